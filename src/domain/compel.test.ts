import { describe, expect, it } from 'vitest';
import { PROCESS_TYPES } from './vocabulary.ts';
import { policyConfig } from './policy-config.ts';
import {
  checkProduction,
  executiveAgreementInForce,
  guidance,
  mayCompel,
  requiredChannel,
} from './compel.ts';

const base = { foreign: false, channel: 'domestic' as const, emergency: false };

describe('SCA tiers (18 U.S.C. 2703)', () => {
  it('lets the subpoena family compel basic subscriber information only', () => {
    for (const t of [
      'grand_jury_subpoena',
      'subpoena',
      'administrative_subpoena',
      'civil_investigative_demand',
    ] as const) {
      expect(mayCompel(t)).toEqual(['basic_subscriber']);
    }
  });

  it('ranks orders, warrants and surveillance orders', () => {
    expect(mayCompel('court_order_2703d')).toEqual(['basic_subscriber', 'non_content']);
    expect(mayCompel('court_order')).toEqual(['basic_subscriber', 'non_content']);
    expect(mayCompel('search_warrant')).toEqual(['basic_subscriber', 'non_content', 'content']);
    expect(mayCompel('pen_register_order')).toEqual(['non_content']);
    expect(mayCompel('wiretap_order')).toContain('content');
    expect(mayCompel('national_security_letter')).not.toContain('content');
    expect(mayCompel('fisa_non_content_order')).not.toContain('content');
    // The served process decides; unknown, the least 3512 process (a subpoena).
    expect(mayCompel('mlat_request')).toEqual(['basic_subscriber']);
    expect(mayCompel('preservation_request')).toEqual([]);
    expect(mayCompel('takedown_request')).toEqual([]);
    expect(mayCompel('other')).toEqual(['basic_subscriber']);
  });

  it('lets a civil subpoena have no content, and records only as the policy chooses', () => {
    expect(mayCompel('civil_subpoena')).toEqual(['basic_subscriber']);
    const none = policyConfig.parse({ compel: { civilSubpoenaMax: 'none' } });
    expect(mayCompel('civil_subpoena', none)).toEqual([]);
    const records = policyConfig.parse({ compel: { civilSubpoenaMax: 'non_content' } });
    expect(mayCompel('civil_subpoena', records)).not.toContain('content');
    expect(guidance('civil_subpoena')).toMatch(/never content/);
  });

  it('explains each type in one sentence with a citation', () => {
    expect(guidance('subpoena')).toBe(
      'A subpoena may compel basic subscriber information only (18 U.S.C. 2703(c)(2)).',
    );
    for (const t of PROCESS_TYPES) expect(guidance(t)).toMatch(/\.$/);
  });

  it('returns a copy the caller may change', () => {
    mayCompel('subpoena').push('content');
    expect(mayCompel('subpoena')).toEqual(['basic_subscriber']);
  });
});

describe('checkProduction', () => {
  it('passes a production within the tier', () => {
    const r = checkProduction({
      ...base,
      processType: 'court_order_2703d',
      produced: ['basic_subscriber', 'non_content'],
    });
    expect(r).toEqual({ beyond: [], reasons: [], needsLegalSignOff: false });
  });

  it('names content produced on a subpoena', () => {
    const r = checkProduction({
      ...base,
      processType: 'subpoena',
      produced: ['basic_subscriber', 'content'],
    });
    expect(r.beyond).toEqual(['content']);
    expect(r.reasons[0]).toMatch(/2703\(c\)\(2\)/);
  });

  it('refuses content to a foreign authority outside MLAT / letter rogatory / executive agreement', () => {
    const r = checkProduction({
      ...base,
      foreign: true,
      processType: 'search_warrant',
      produced: ['content'],
    });
    expect(r.beyond).toEqual(['content']);
    const mlat = checkProduction({
      ...base,
      foreign: true,
      channel: 'mlat',
      processType: 'search_warrant',
      produced: ['content'],
    });
    expect(mlat.beyond).toEqual([]);
    // An MLAT request whose served process is not recorded reaches basic subscriber information only.
    const unknown = checkProduction({
      ...base,
      foreign: true,
      channel: 'mlat',
      processType: 'mlat_request',
      produced: ['content', 'non_content'],
    });
    expect(unknown.beyond).toEqual(['content', 'non_content']);
  });

  it('lets non-content go to a foreign authority (2702(c)(6))', () => {
    const r = checkProduction({
      ...base,
      foreign: true,
      processType: 'police_force_order',
      produced: ['basic_subscriber'],
    });
    expect(r.beyond).toEqual([]);
  });

  it('accepts an executive-agreement order only for GB or AU once in force', () => {
    const ea = {
      ...base,
      foreign: true,
      channel: 'executive_agreement' as const,
      processType: 'search_warrant' as const,
      produced: ['content' as const],
    };
    expect(
      checkProduction({ ...ea, country: 'GB', receivedAt: new Date('2022-10-03T00:00:00Z') }).beyond,
    ).toEqual([]);
    expect(
      checkProduction({ ...ea, country: 'GB', receivedAt: new Date('2022-10-02T23:59:59Z') }).beyond,
    ).toEqual(['content']);
    expect(
      checkProduction({ ...ea, country: 'FR', receivedAt: new Date('2025-01-01T00:00:00Z') }).beyond,
    ).toEqual(['content']);
    expect(checkProduction(ea).beyond).toEqual(['content']);
  });

  it('flags a foreign emergency request for content for legal sign-off', () => {
    const r = checkProduction({
      ...base,
      foreign: true,
      emergency: true,
      processType: 'emergency_request',
      produced: ['content'],
    });
    expect(r.needsLegalSignOff).toBe(true);
    expect(r.beyond).toEqual(['content']);
    const us = checkProduction({
      ...base,
      emergency: true,
      processType: 'emergency_request',
      produced: ['content'],
    });
    expect(us).toEqual({ beyond: [], reasons: [], needsLegalSignOff: false });
  });
});

describe('requiredChannel', () => {
  const at = new Date('2025-06-01T00:00:00Z');
  it('sends US requests through domestic process', () => {
    expect(requiredChannel({ country: 'US', dataSought: ['content'], receivedAt: at }).channels).toEqual([
      'domestic',
    ]);
  });
  it('allows any channel for foreign non-content', () => {
    expect(
      requiredChannel({ country: 'DE', dataSought: ['basic_subscriber'], receivedAt: at }).channels,
    ).toContain('domestic');
  });
  it('requires MLAT or letter rogatory for foreign content, plus the agreement where one is in force', () => {
    expect(requiredChannel({ country: 'DE', dataSought: ['content'], receivedAt: at }).channels).toEqual([
      'mlat',
      'letter_rogatory',
    ]);
    expect(requiredChannel({ country: 'AU', dataSought: ['content'], receivedAt: at }).channels).toContain(
      'executive_agreement',
    );
    const early = new Date('2024-01-30T12:00:00Z');
    expect(
      requiredChannel({ country: 'AU', dataSought: ['content'], receivedAt: early }).channels,
    ).not.toContain('executive_agreement');
  });
  it('knows the dates the agreements entered into force', () => {
    expect(executiveAgreementInForce('gb', new Date('2022-10-03T00:00:00Z'))).toBe(true);
    expect(executiveAgreementInForce('AU', new Date('2024-01-31T00:00:00Z'))).toBe(true);
    expect(executiveAgreementInForce('AU', new Date('2024-01-30T23:59:59Z'))).toBe(false);
    expect(executiveAgreementInForce('CA', new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });
});
