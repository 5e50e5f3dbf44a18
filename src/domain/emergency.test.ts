import { describe, expect, it } from 'vitest';
import { defaultPolicy, policyConfig } from './policy-config.ts';
import {
  checkEmergencyReady,
  emergencyNoticeDueAt,
  followUpDue,
  type EmergencyReadinessInput,
} from './emergency.ts';

const ready: EmergencyReadinessInput = {
  basis: { attestsDangerOfDeathOrInjury: true, text: 'missing child, believed with armed adult' },
  verification: {
    verifiedBy: 'u-handler',
    calledBackAt: new Date('2026-02-01T10:05:00Z'),
    number: '+1 (202) 555-0100',
    numberSource: 'agency_directory',
  },
  approvals: [{ userId: 'u-approver', role: 'approver' }],
  handlerId: 'u-handler',
  requestText: 'Urgent. Call me back at 415-555-0199. Sgt. Smith',
};
const codes = (i: EmergencyReadinessInput) => checkEmergencyReady(i).map((p) => p.code);

describe('checkEmergencyReady', () => {
  it('is ready with an attested basis, an independent call-back and a second approver', () => {
    expect(checkEmergencyReady(ready)).toEqual([]);
  });

  it('needs the explicit attestation, not words in the text', () => {
    expect(
      codes({ ...ready, basis: { attestsDangerOfDeathOrInjury: false, text: 'danger of death' } }),
    ).toEqual(['basis_not_attested']);
  });

  it('lists every missing part of the verification record', () => {
    const r = checkEmergencyReady({
      ...ready,
      verification: { verifiedBy: ' ', calledBackAt: null, number: null, numberSource: null },
    });
    expect(r.map((p) => p.code)).toEqual(['verification_incomplete']);
    expect(r[0]?.message).toBe(
      'the verification lacks who verified, when the agency was called back, the number called, where the number came from',
    );
  });

  it('refuses a call-back number taken from the request', () => {
    expect(codes({ ...ready, verification: { ...ready.verification, numberSource: 'request' } })).toEqual([
      'callback_number_from_request',
    ]);
  });

  it('catches the request number even when the handler says it came from elsewhere', () => {
    const copied = { ...ready.verification, number: '+14155550199', numberSource: 'other' as const };
    expect(codes({ ...ready, verification: copied })).toEqual(['callback_number_from_request']);
    expect(codes({ ...ready, verification: copied, requestText: null })).toEqual([]);
  });

  it('needs an approver who is not the handler', () => {
    expect(codes({ ...ready, approvals: [] })).toEqual(['no_second_approval']);
    expect(codes({ ...ready, approvals: [{ userId: 'u-handler', role: 'approver' }] })).toEqual([
      'no_second_approval',
    ]);
    expect(codes({ ...ready, approvals: [{ userId: 'u-other', role: 'handler' }] })).toEqual([
      'no_second_approval',
    ]);
  });
});

describe('emergency dates', () => {
  const respondedAt = new Date('2026-01-01T12:00:00Z');
  it('expects the follow-up process 30 days after disclosure', () => {
    expect(followUpDue(respondedAt, defaultPolicy).toISOString()).toBe('2026-01-31T12:00:00.000Z');
  });

  it('delays notice 90 days at most, or until the emergency is recorded as passed', () => {
    expect(emergencyNoticeDueAt(respondedAt, defaultPolicy).toISOString()).toBe('2026-04-01T12:00:00.000Z');
    const passed = new Date('2026-01-10T00:00:00Z');
    expect(emergencyNoticeDueAt(respondedAt, defaultPolicy, passed)).toEqual(passed);
    const late = new Date('2026-05-01T00:00:00Z');
    expect(emergencyNoticeDueAt(respondedAt, defaultPolicy, late).toISOString()).toBe(
      '2026-04-01T12:00:00.000Z',
    );
  });

  it('follows the configured delay', () => {
    const p = policyConfig.parse({ emergency: { noticeDelayDays: 30 } });
    expect(emergencyNoticeDueAt(respondedAt, p).toISOString()).toBe('2026-01-31T12:00:00.000Z');
  });
});
