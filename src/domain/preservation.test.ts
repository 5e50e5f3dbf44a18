import { describe, expect, it } from 'vitest';
import { addDays, defaultPolicy, policyConfig } from './policy-config.ts';
import {
  acceptsHold,
  canExtend,
  holdExpiresAt,
  holdReminderAt,
  holdState,
  type Hold,
} from './preservation.ts';

const start = new Date('2026-01-01T09:30:00Z');
const hold: Hold = { regime: 'sca_2703f', startedAt: start, extensions: 0 };
const day = (n: number) => addDays(start, n);

describe('2703(f) holds', () => {
  it('lasts 90 days, and 180 after the one extension', () => {
    expect(holdExpiresAt(start, 0)).toEqual(day(90));
    expect(holdExpiresAt(start, 1)).toEqual(day(180));
    // A second extension is never counted, even if one was recorded.
    expect(holdExpiresAt(start, 2)).toEqual(day(180));
  });

  it('is expiring soon on day 89, expired on day 90 and 91', () => {
    expect(holdState(hold, day(75))).toBe('active');
    expect(holdState(hold, day(76))).toBe('expiring_soon');
    expect(holdState(hold, day(89))).toBe('expiring_soon');
    expect(holdState(hold, new Date(day(90).getTime() - 1))).toBe('expiring_soon');
    expect(holdState(hold, day(90))).toBe('expired');
    expect(holdState(hold, day(91))).toBe('expired');
  });

  it('reminds 14 days before expiry', () => {
    expect(holdReminderAt(hold)).toEqual(day(76));
    expect(holdReminderAt({ ...hold, extensions: 1 })).toEqual(day(166));
  });

  it('extends once, refuses the second time', () => {
    const first = canExtend(hold, day(89));
    expect(first).toEqual({ ok: true, expiresAt: day(180) });
    const second = canExtend({ ...hold, extensions: 1 }, day(100));
    expect(second).toMatchObject({ ok: false, code: 'invalid_state' });
    expect(second.ok ? '' : second.message).toMatch(/2703\(f\)\(2\) allows 1/);
  });

  it('refuses an extension at or after expiry', () => {
    expect(canExtend(hold, day(90))).toMatchObject({ ok: false, code: 'invalid_state' });
    expect(canExtend(hold, day(91)).ok).toBe(false);
  });

  it('follows the configured terms', () => {
    const p = policyConfig.parse({ preservation: { days: 30, maxExtensions: 2 } });
    expect(holdExpiresAt(start, 2, p)).toEqual(day(210));
    expect(canExtend({ ...hold, extensions: 1 }, day(50), p).ok).toBe(true);
  });
});

describe('foreign and EU holds', () => {
  it('honours foreign preservation requests only if the policy says so', () => {
    expect(acceptsHold('foreign')).toBe(true);
    expect(acceptsHold('foreign', policyConfig.parse({ preservation: { foreign: 'refuse' } }))).toBe(false);
    expect(acceptsHold('sca_2703f', policyConfig.parse({ preservation: { foreign: 'refuse' } }))).toBe(true);
  });

  it('keeps an EPOC-PR 60 days, plus one 30-day extension within that period', () => {
    const eu: Hold = { regime: 'eu_epoc_pr', startedAt: start, extensions: 0 };
    expect(holdExpiresAt(start, 0, defaultPolicy, 'eu_epoc_pr')).toEqual(day(60));
    expect(holdState(eu, day(59))).toBe('expiring_soon');
    expect(holdState(eu, day(60))).toBe('expired');
    expect(canExtend(eu, day(59))).toEqual({ ok: true, expiresAt: day(90) });
    expect(canExtend(eu, day(60)).ok).toBe(false);
    expect(canExtend({ ...eu, extensions: 1 }, day(70)).ok).toBe(false);
  });
});
