import { describe, expect, it } from 'vitest';
import { addDays, defaultPolicy } from './policy-config.ts';
import type { Ndo } from './ndo.ts';
import { canSendNotice, noticeDecision, type NoticeDecisionInput } from './notice-policy.ts';

const respondedAt = new Date('2026-01-10T12:00:00Z');
const base: NoticeDecisionInput = {
  ndos: [],
  emergency: false,
  respondedAt,
  outcome: 'content_produced',
  accountsHaveContact: true,
  now: new Date('2026-01-11T00:00:00Z'),
  policy: defaultPolicy,
};
const gag = (expiresAt: string | null, liftedAt: string | null = null): Ndo => ({
  authority: 'sca_2705b',
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: expiresAt ? new Date(expiresAt) : null,
  liftedAt: liftedAt ? new Date(liftedAt) : null,
});

describe('noticeDecision', () => {
  it('owes notice after a disclosure no order forbids', () => {
    const d = noticeDecision(base);
    expect(d).toMatchObject({ status: 'pending', kind: 'after_disclosure', dueAt: respondedAt });
    expect(canSendNotice(d)).toBe(true);
  });

  it('notifies before disclosure while the request is in process', () => {
    const d = noticeDecision({ ...base, respondedAt: null, outcome: null });
    expect(d).toMatchObject({ status: 'pending', kind: 'before_disclosure' });
    expect(d.dueAt).toBeUndefined();
  });

  it('forbids notice while an order is in force, up to its last instant', () => {
    const ndos = [gag('2026-03-01T00:00:00Z')];
    const d = noticeDecision({ ...base, ndos, now: new Date('2026-02-28T23:59:59.999Z') });
    expect(d.status).toBe('prohibited_by_order');
    expect(d.dueAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(canSendNotice(d)).toBe(false);
  });

  it('makes notice due when the order expires, at that instant', () => {
    const ndos = [gag('2026-03-01T00:00:00Z')];
    const d = noticeDecision({ ...base, ndos, now: new Date('2026-03-01T00:00:00Z') });
    expect(d).toMatchObject({ status: 'pending', kind: 'after_order_expired' });
    expect(d.dueAt?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('makes notice due when an indefinite order is lifted', () => {
    const ndos = [gag(null, '2026-05-05T10:00:00Z')];
    expect(noticeDecision({ ...base, ndos, now: new Date('2026-05-05T09:59:59Z') })).toMatchObject({
      status: 'prohibited_by_order',
      reason: expect.stringMatching(/until 2026-05-05T10:00/),
    });
    const d = noticeDecision({ ...base, ndos, now: new Date('2026-05-06T00:00:00Z') });
    expect(d).toMatchObject({ status: 'pending', kind: 'after_order_expired' });
    expect(d.dueAt?.toISOString()).toBe('2026-05-05T10:00:00.000Z');
  });

  it('stays prohibited while any one of several orders binds', () => {
    const ndos = [gag('2026-02-01T00:00:00Z'), gag(null)];
    const d = noticeDecision({ ...base, ndos, now: new Date('2027-01-01T00:00:00Z') });
    expect(d.status).toBe('prohibited_by_order');
    expect(d.dueAt).toBeUndefined();
  });

  it('delays notice after an emergency disclosure until the delay ends, then owes it', () => {
    const end = addDays(respondedAt, 90);
    const before = noticeDecision({ ...base, emergency: true, now: new Date(end.getTime() - 1) });
    expect(before).toMatchObject({ status: 'delayed_emergency', kind: 'after_emergency_passed', dueAt: end });
    expect(canSendNotice(before)).toBe(false);
    const at = noticeDecision({ ...base, emergency: true, now: end });
    expect(at).toMatchObject({ status: 'pending', kind: 'after_emergency_passed', dueAt: end });
  });

  it('ends the emergency delay early once the emergency is recorded as passed', () => {
    const passed = new Date('2026-01-12T00:00:00Z');
    const d = noticeDecision({ ...base, emergency: true, emergencyPassedAt: passed, now: passed });
    expect(d).toMatchObject({ status: 'pending', kind: 'after_emergency_passed', dueAt: passed });
  });

  it('keeps an emergency in process delayed', () => {
    const d = noticeDecision({ ...base, emergency: true, respondedAt: null, outcome: null });
    expect(d.status).toBe('delayed_emergency');
    expect(d.dueAt).toBeUndefined();
  });

  it('prefers the order over the emergency delay', () => {
    const d = noticeDecision({ ...base, emergency: true, ndos: [gag(null)] });
    expect(d.status).toBe('prohibited_by_order');
  });

  it('needs no notice when nothing was disclosed, and cannot give it without contact details', () => {
    expect(noticeDecision({ ...base, outcome: 'rejected' }).status).toBe('not_applicable');
    expect(noticeDecision({ ...base, outcome: 'no_data' }).status).toBe('not_applicable');
    expect(noticeDecision({ ...base, accountsHaveContact: false }).status).toBe('not_possible');
  });

  it('gives no notice of a preservation request, as the policy says', () => {
    const d = noticeDecision({
      ...base,
      processType: 'preservation_request',
      respondedAt: null,
      outcome: null,
    });
    expect(d.status).toBe('not_applicable');
    expect(noticeDecision({ ...base, processType: 'subpoena' }).status).toBe('pending');
  });
});
