import { describe, expect, it } from 'vitest';
import { addDays, addHours, defaultPolicy, policyConfig } from './policy-config.ts';

describe('policy config', () => {
  it('gives a complete policy from nothing, with the statutory defaults', () => {
    expect(defaultPolicy.preservation).toEqual({
      days: 90,
      extensionDays: 90,
      maxExtensions: 1,
      reminderLeadDays: 14,
      foreign: 'honour',
    });
    expect(defaultPolicy.euPreservation).toEqual({ days: 60, extensionDays: 30, maxExtensions: 1 });
    expect(defaultPolicy.emergency).toEqual({ noticeDelayDays: 90, followUpDays: 30 });
    expect(defaultPolicy.ndo.reviewIntervalDays).toBe(365);
    expect(defaultPolicy.ndo.nationalSecurityReviewDays).toBe(1095);
    expect(defaultPolicy.response.byProcessType.subpoena).toBe(14);
    expect(defaultPolicy.response.byProcessType.search_warrant).toBe(10);
    expect(defaultPolicy.response.byProcessType.other).toBeNull();
    expect(defaultPolicy.response.euEvidenceDays).toBe(10);
    expect(defaultPolicy.response.euEvidenceEmergencyHours).toBe(8);
    expect(defaultPolicy.cloudAct.motionToQuashDays).toBe(14);
    expect(defaultPolicy.cloudAct.executiveAgreements).toEqual({ GB: '2022-10-03', AU: '2024-01-31' });
  });

  it('overrides one process type and keeps the others', () => {
    const p = policyConfig.parse({ response: { byProcessType: { subpoena: 21, other: 30 } } });
    expect(p.response.byProcessType.subpoena).toBe(21);
    expect(p.response.byProcessType.other).toBe(30);
    expect(p.response.byProcessType.court_order).toBe(14);
  });

  it('refuses unknown keys and negative days, naming the field', () => {
    const res = policyConfig.safeParse({ preservation: { days: -1 }, emergancy: {} });
    expect(res.success).toBe(false);
    const paths = res.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('preservation.days');
    expect(paths?.some((p) => p === '' || p === 'emergancy')).toBe(true);
  });

  it('shares a frozen default policy', () => {
    expect(Object.isFrozen(defaultPolicy.response.byProcessType)).toBe(true);
    expect(Object.isFrozen(defaultPolicy.notice.notifyOutcomes)).toBe(true);
  });

  it('adds UTC days and hours exactly', () => {
    const t = new Date('2026-03-01T00:00:00Z');
    expect(addDays(t, 90).toISOString()).toBe('2026-05-30T00:00:00.000Z');
    expect(addHours(t, 8).toISOString()).toBe('2026-03-01T08:00:00.000Z');
  });
});
