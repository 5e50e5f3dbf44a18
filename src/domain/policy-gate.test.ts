import { describe, expect, it } from 'vitest';
import { defaultPolicy, policyConfig } from './policy-config.ts';
import { policyGate, producedFor, type GateFacts } from './policy-gate.ts';

const facts = (over: Partial<GateFacts> = {}): GateFacts => ({
  processType: 'search_warrant',
  channel: 'domestic',
  requesterClass: 'government',
  agencyCountry: 'US',
  emergency: false,
  receivedAt: new Date('2026-01-10T00:00:00Z'),
  outcome: 'content_produced',
  produced: ['content'],
  targetUsPerson: null,
  ndos: [],
  respondedAt: new Date('2026-01-20T00:00:00Z'),
  emergencyProblems: [],
  legalSignOff: false,
  now: new Date('2026-02-01T00:00:00Z'),
  ...over,
});
const rules = (f: GateFacts, policy = defaultPolicy) =>
  policyGate(f, policy).map((r) => `${r.kind}:${r.rule}:${r.field}`);

describe('policyGate', () => {
  it('lets a warrant reach content', () => {
    expect(rules(facts())).toEqual([]);
  });

  it('refuses content on a subpoena as a policy tier an approver may override', () => {
    expect(rules(facts({ processType: 'subpoena' }))).toEqual(['tier:sca_tier:outcome']);
  });

  it('bars content to a civil litigant, whatever the process', () => {
    expect(rules(facts({ requesterClass: 'civil_litigant' }))).toEqual([
      'bar:civil_litigant_content:outcome',
    ]);
    expect(rules(facts({ processType: 'civil_subpoena' }))).toEqual(['bar:civil_litigant_content:outcome']);
  });

  it('bars content directly to a foreign authority, and allows it via MLAT-served US process', () => {
    expect(rules(facts({ agencyCountry: 'DE', processType: 'police_force_order' }))).toEqual([
      'bar:foreign_content_channel:channel',
    ]);
    expect(rules(facts({ agencyCountry: 'DE', channel: 'mlat' }))).toEqual([]);
  });

  it('lets an MLAT request reach only what the served US process allows', () => {
    expect(rules(facts({ agencyCountry: 'DE', channel: 'mlat', processType: 'court_order_2703d' }))).toEqual([
      'tier:sca_tier:outcome',
    ]);
  });

  it('bars emergency content to anyone but a US governmental entity', () => {
    const foreign = facts({ agencyCountry: 'DE', processType: 'emergency_request', emergency: true });
    expect(rules(foreign)).toContain('bar:emergency_content_non_us:emergency');
    // Non-content may go abroad in an emergency (2702(c)(6)).
    expect(rules({ ...foreign, outcome: 'non_content_produced', produced: ['non_content'] })).toEqual([]);
  });

  it('reads executive-agreement orders by channel: content without override once in force, never on a US person', () => {
    const gb = facts({ agencyCountry: 'GB', channel: 'executive_agreement', processType: 'court_order' });
    expect(rules({ ...gb, targetUsPerson: false })).toEqual([]);
    expect(rules({ ...gb, targetUsPerson: true })).toEqual([
      'bar:agreement_targets_us_person:target_us_person',
    ]);
    expect(rules(gb)).toEqual(['rule:agreement_target_unknown:target_us_person']);
    expect(rules({ ...gb, targetUsPerson: false, receivedAt: new Date('2022-10-02T00:00:00Z') })).toEqual([
      'bar:agreement_not_in_force:channel',
    ]);
  });

  it('refuses notice while an order binds, as a workflow rule', () => {
    const ndo = {
      authority: 'sca_2705b' as const,
      issuedAt: null,
      expiresAt: new Date('2099-01-01'),
      liftedAt: null,
    };
    expect(rules(facts({ noticeStatus: 'sent', ndos: [ndo] }))).toEqual(['rule:notice_held:notice_status']);
    expect(
      rules(facts({ noticeStatus: 'sent', ndos: [{ ...ndo, expiresAt: new Date('2026-01-25') }] })),
    ).toEqual([]);
  });

  it('applies the bars as policy for a provider not subject to the SCA', () => {
    const other = policyConfig.parse({ jurisdiction: { subjectTo: 'other' } });
    expect(rules(facts({ requesterClass: 'civil_litigant' }), other)).toEqual([
      'tier:civil_litigant_content:outcome',
    ]);
  });

  it('asks for an attorney sign-off where the policy requires one', () => {
    const policy = policyConfig.parse({ signOff: { requiredFor: ['search_warrant'] } });
    expect(rules(facts(), policy)).toEqual(['rule:attorney_sign_off:approvals']);
    expect(rules(facts({ legalSignOff: true }), policy)).toEqual([]);
  });
});

describe('producedFor', () => {
  it('reads the categories an outcome implies', () => {
    expect(producedFor('content_produced', [])).toEqual(['content']);
    expect(producedFor('non_content_produced', ['basic_subscriber', 'content'])).toEqual([
      'basic_subscriber',
    ]);
    expect(producedFor('no_data', ['content'])).toEqual([]);
  });
});
