import { describe, expect, it } from 'vitest';
import { policyConfig } from './policy-config.ts';
import { motionToQuashDeadline, responseDueAt, type DeadlineInput } from './deadlines.ts';

const receivedAt = new Date('2026-08-18T09:00:00Z');
const base: DeadlineInput = { processType: 'subpoena', channel: 'domestic', emergency: false, receivedAt };
const due = (over: Partial<DeadlineInput>) => responseDueAt({ ...base, ...over })?.toISOString() ?? null;

describe('responseDueAt', () => {
  it('uses the configured days per process type', () => {
    expect(due({})).toBe('2026-09-01T09:00:00.000Z');
    expect(due({ processType: 'search_warrant' })).toBe('2026-08-28T09:00:00.000Z');
    expect(due({ processType: 'court_order' })).toBe('2026-09-01T09:00:00.000Z');
  });

  it('returns null where no deadline applies', () => {
    expect(due({ processType: 'other' })).toBeNull();
    expect(due({ processType: 'emergency_request', emergency: false })).toBeNull();
  });

  it('gives an EPOC 10 days, and 8 hours in an emergency (Art. 10(3)-(4))', () => {
    expect(due({ channel: 'eu_e_evidence', processType: 'court_order' })).toBe('2026-08-28T09:00:00.000Z');
    expect(due({ channel: 'eu_e_evidence', processType: 'court_order', emergency: true })).toBe(
      '2026-08-18T17:00:00.000Z',
    );
  });

  it('treats an EPOC-PR as a preservation, not a production', () => {
    expect(due({ channel: 'eu_e_evidence', processType: 'preservation_request' })).toBe(
      '2026-08-19T09:00:00.000Z',
    );
  });

  it('gives DSA orders their hour targets', () => {
    expect(due({ channel: 'dsa_art_9', processType: 'takedown_request' })).toBe('2026-08-19T09:00:00.000Z');
    expect(due({ channel: 'dsa_art_10', processType: 'other' })).toBe('2026-08-21T09:00:00.000Z');
  });

  it('gives a US emergency request the emergency target', () => {
    expect(due({ processType: 'emergency_request', emergency: true })).toBe('2026-08-18T17:00:00.000Z');
  });

  it('follows the configured days', () => {
    const p = policyConfig.parse({ response: { byProcessType: { other: 30 }, euEvidenceDays: 5 } });
    expect(responseDueAt({ ...base, processType: 'other' }, p)?.toISOString()).toBe(
      '2026-09-17T09:00:00.000Z',
    );
    expect(responseDueAt({ ...base, channel: 'eu_e_evidence' }, p)?.toISOString()).toBe(
      '2026-08-23T09:00:00.000Z',
    );
  });
});

describe('motionToQuashDeadline', () => {
  it('closes 14 days after service (18 U.S.C. 2703(h)(2))', () => {
    expect(motionToQuashDeadline(receivedAt).toISOString()).toBe('2026-09-01T09:00:00.000Z');
  });
});
