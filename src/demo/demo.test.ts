import { describe, expect, it } from 'vitest';
import { accountsOf, demoStream, demoSummary, generateDemo, periodOf, TWILIO_2015_H1 } from './index.ts';
import { dsaKeywordsOf } from '../domain/dsa-keywords.ts';
import { emergencyNoticeDueAt } from '../domain/emergency.ts';
import { defaultPolicy } from '../domain/policy-config.ts';
import { intakeFacts, policyGate } from '../domain/policy-gate.ts';
import { inHeadline, sectionOf } from '../domain/report-sections.ts';
import { requestInput, type ValidRequest } from '../domain/request-input.ts';

const demo = generateDemo();
const inPeriod = (period: string) => demo.filter((r) => periodOf(r.received_at) === period);
const h1 = inPeriod('2015-H1');
/** What a report's headline counts: every request but national-security process and informal requests. */
const headline = (rs: ValidRequest[]) =>
  rs.filter(
    (r) =>
      r.channel !== 'informal' &&
      inHeadline(
        sectionOf({
          process_type: r.process_type,
          case_class: r.case_class ?? null,
          demand_kind: r.demand_kind ?? 'disclose',
          emergency: r.emergency,
        }),
      ),
  );

describe('generateDemo', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateDemo()).toEqual(demo);
    const end = '2026-12-31T23:59:59.999Z';
    const upTo2017 = demo.filter((r) => r.received_at < '2018');
    expect(generateDemo({ until: '2017-H2', now: end })).toEqual(upTo2017);
    expect(generateDemo({ seed: 7, until: '2017-H2', now: end })).not.toEqual(upTo2017);
  });

  it("reproduces Twilio's 2015-H1 report exactly, with national security on top of the headline", () => {
    const counted = headline(h1);
    expect(counted).toHaveLength(TWILIO_2015_H1.requests);
    expect(new Set(counted.flatMap(accountsOf)).size).toBe(TWILIO_2015_H1.accounts);
    // Twilio counted emergency, preservation and takedown requests in its 268.
    expect(counted.some((r) => r.emergency)).toBe(true);
    expect(counted.some((r) => r.demand_kind === 'preserve')).toBe(true);
    expect(counted.some((r) => r.demand_kind === 'restrict_content')).toBe(true);
    const ns = h1.filter((r) => !counted.includes(r));
    expect(ns.map((r) => r.process_type).sort()).toEqual([
      'fisa_non_content_order',
      'national_security_letter',
      'national_security_letter',
    ]);
    // Their accounts are their own: none of them is among the 118.
    const headlineAccounts = new Set(counted.flatMap(accountsOf));
    expect(ns.flatMap(accountsOf).some((a) => headlineAccounts.has(a))).toBe(false);
    const us = counted.filter((r) => r.agency.country === 'US');
    expect(us).toHaveLength(TWILIO_2015_H1.us);
    expect(new Set(us.map((r) => r.agency.level))).toEqual(new Set(['federal', 'state', 'local']));
    expect(us.some((r) => r.agency.subdivision === 'US-CA')).toBe(true);
    expect(us.some((r) => r.agency.subdivision === 'US-NY')).toBe(true);
    const byCountry: Record<string, number> = {};
    for (const r of counted)
      if (r.agency.country !== 'US') byCountry[r.agency.country] = (byCountry[r.agency.country] ?? 0) + 1;
    expect(byCountry).toEqual(TWILIO_2015_H1.international);
    expect(h1.every((r) => r.received_at >= '2015-01-01' && r.received_at < '2015-07-01')).toBe(true);
  });

  it('holds the 2015-H1 figures for any seed', () => {
    for (const seed of [1, 99, 123_456]) {
      const first = headline(generateDemo({ seed, until: '2015-H1' }));
      expect(first).toHaveLength(268);
      expect(new Set(first.flatMap(accountsOf)).size).toBe(118);
      expect(first.filter((r) => r.agency.country === 'US')).toHaveLength(222);
    }
  });

  it("uses Twilio's 2015 process types and answers every 2015-H1 request", () => {
    const types2015 = new Set([
      'civil_investigative_demand',
      'court_order',
      'grand_jury_subpoena',
      'subpoena',
      'search_warrant',
      'police_force_order',
      'emergency_request',
      'preservation_request',
      'takedown_request',
      'national_security_letter',
      'fisa_content_order',
      'fisa_non_content_order',
      'mlat_request',
    ]);
    for (const r of h1) {
      expect(types2015.has(r.process_type)).toBe(true);
      expect(r.outcome).toBeTruthy();
      expect(Date.parse(r.responded_at ?? '')).toBeGreaterThan(Date.parse(r.received_at));
    }
    const ns = h1.filter((r) => r.case_class === 'national_security');
    expect(ns.length).toBeGreaterThan(0);
    expect(ns.length).toBeLessThan(5);
    const outcomes = new Set<string>(h1.map((r) => r.outcome ?? 'open'));
    const twilio2015 = [
      'rejected',
      'withdrawn_after_notice_policy',
      'no_data',
      'non_content_produced',
      'content_produced',
    ];
    const ownTables = ['preserved', 'content_restricted', 'no_action'];
    for (const o of [...twilio2015, 'preserved']) expect(outcomes.has(o)).toBe(true);
    for (const o of outcomes) expect([...twilio2015, ...ownTables]).toContain(o);
  });

  it('produces content only under a warrant, MLAT, executive agreement, wiretap or FISA content order', () => {
    const allowed = new Set(['search_warrant', 'mlat_request', 'wiretap_order', 'fisa_content_order']);
    for (const r of demo.filter((x) => x.outcome === 'content_produced')) {
      expect(allowed.has(r.process_type) || r.channel === 'executive_agreement').toBe(true);
    }
    for (const r of h1.filter((x) => x.outcome === 'content_produced')) {
      expect(['search_warrant', 'mlat_request']).toContain(r.process_type);
    }
  });

  it('passes the shared request schema unchanged, with unique external refs', () => {
    for (const r of demo) expect(requestInput.parse(r)).toEqual(r);
    expect(new Set(demo.map((r) => r.external_ref)).size).toBe(demo.length);
    expect(demo.every((r) => /^DEMO-\d{4}H[12]-\d{4,}$/.test(r.external_ref))).toBe(true);
    expect(demo.flatMap(accountsOf).every((a) => /^AC[0-9a-f]{32}$/.test(a))).toBe(true);
  });

  it('creates nothing after now and leaves recent requests open', () => {
    const now = '2026-09-30T12:00:00.000Z';
    const cut = generateDemo({ now });
    const times = (r: ValidRequest) =>
      [r.received_at, r.responded_at, r.acknowledged_at, r.effect_given_at].filter((t) => t != null);
    expect(cut.every((r) => times(r).every((t) => t <= now))).toBe(true);
    expect(cut.filter((r) => periodOf(r.received_at) === '2026-H2').length).toBeLessThan(
      inPeriod('2026-H2').length * 0.6,
    );
    const last = inPeriod('2026-H2');
    const open = last.filter((r) => !r.outcome);
    expect(open.length).toBeGreaterThan(0);
    expect(open.length).toBeLessThan(last.length / 2);
    expect(
      open.every(
        (r) => !r.responded_at && ['pending', 'prohibited_by_order'].includes(r.notice_status ?? ''),
      ),
    ).toBe(true);
    expect(inPeriod('2025-H2').every((r) => r.outcome)).toBe(true);
  });

  it('grows by roughly 8-15 % a half-year', () => {
    const counts = demoSummary(demo).map((s) => s.requests);
    expect(counts).toHaveLength(24);
    for (let i = 1; i < counts.length; i++) {
      const growth = (counts[i] as number) / (counts[i - 1] as number);
      expect(growth).toBeGreaterThan(1.07);
      expect(growth).toBeLessThan(1.16);
    }
  });

  it('has emergencies with an attested basis and delayed notice', () => {
    const emergencies = demo.filter((r) => r.process_type === 'emergency_request');
    expect(emergencies.length).toBeGreaterThan(100);
    for (const r of emergencies) {
      expect(r.emergency).toBe(true);
      expect(r.emergency_basis).toBeTruthy();
    }
    expect(emergencies.some((r) => r.notice_status === 'delayed_emergency')).toBe(true);
  });

  it('has preservations that end preserved, without notice', () => {
    const kept = demo.filter((r) => r.demand_kind === 'preserve' && r.outcome === 'preserved');
    expect(kept.length).toBeGreaterThan(100);
    // A hold is not a disclosure: nothing to tell the customer, unless an order forbids telling anyway.
    const gagged = (r: ValidRequest) => r.ndo && (r.ndo.expires_at === null || r.ndo.expires_at > '2027');
    expect(
      kept.every((r) => r.notice_status === (gagged(r) ? 'prohibited_by_order' : 'not_applicable')),
    ).toBe(true);
  });

  it('has NSLs and FISA orders under mostly indefinite gags', () => {
    const nsl = demo.filter((r) => r.process_type === 'national_security_letter');
    const fisa = demo.filter((r) => r.process_type.startsWith('fisa_'));
    expect(nsl.length).toBeGreaterThan(5);
    expect(fisa.length).toBeGreaterThan(3);
    expect(nsl.every((r) => r.ndo?.authority === 'nsl_2709c')).toBe(true);
    expect(fisa.every((r) => r.ndo?.authority === 'fisa')).toBe(true);
    expect(nsl.some((r) => r.ndo?.expires_at === null && r.notice_status === 'prohibited_by_order')).toBe(
      true,
    );
  });

  it('has 2705(b) orders, some expiring in 2026-2027 with notice held until then', () => {
    const orders = demo.filter((r) => r.ndo?.authority === 'sca_2705b');
    expect(orders.length).toBeGreaterThan(100);
    const later = orders.filter(
      (r) => r.ndo?.expires_at && r.ndo.expires_at >= '2026' && r.ndo.expires_at < '2028',
    );
    expect(later.length).toBeGreaterThan(10);
    expect(later.some((r) => r.notice_status === 'prohibited_by_order')).toBe(true);
    // An order that ran out long ago no longer holds notice back.
    const expired = orders.filter((r) => r.ndo?.expires_at && r.ndo.expires_at < '2026-06');
    expect(expired.every((r) => r.notice_status !== 'prohibited_by_order')).toBe(true);
  });

  it('has takedowns with items of information', () => {
    const takedowns = demo.filter((r) => r.demand_kind === 'restrict_content');
    expect(takedowns.length).toBeGreaterThan(50);
    expect(takedowns.every((r) => (r.items_of_information ?? 0) > 0)).toBe(true);
    expect(takedowns.some((r) => r.outcome === 'content_restricted')).toBe(true);
  });

  it('has restriction bases, DSA keywords of the order’s category and a few ministries and parliaments', () => {
    const restrictions = demo.filter(
      (r) => r.demand_kind === 'restrict_content' || r.demand_kind === 'restrict_account',
    );
    const bases = new Set(restrictions.map((r) => r.restriction_basis));
    expect(bases).toEqual(new Set(['local_law', 'provider_terms', 'not_stated']));
    // Most cite a local law; the law is named only with that basis.
    const local = restrictions.filter((r) => r.restriction_basis === 'local_law');
    expect(local.length).toBeGreaterThan(restrictions.length / 2);
    expect(local.some((r) => r.restriction_law)).toBe(true);
    expect(demo.every((r) => !r.restriction_law || r.restriction_basis === 'local_law')).toBe(true);
    // Every DSA order whose category has sub-categories carries one of them.
    const dsa = demo.filter((r) => r.dsa_category && dsaKeywordsOf(r.dsa_category).length > 0);
    expect(dsa.length).toBeGreaterThan(100);
    for (const r of dsa) if (r.dsa_category) expect(dsaKeywordsOf(r.dsa_category)).toContain(r.dsa_keyword);
    expect(dsa.some((r) => r.dsa_keyword === 'KEYWORD_OTHER' && r.dsa_keyword_other)).toBe(true);
    const kinds = restrictions.map((r) => r.agency.kind);
    for (const kind of ['executive', 'legislature'] as const) {
      const n = kinds.filter((k) => k === kind).length;
      expect(n, kind).toBeGreaterThan(0);
      expect(n, kind).toBeLessThan(restrictions.length / 10);
    }
  });

  it('has EU orders only once their law applies', () => {
    const dsa = demo.filter((r) => r.channel === 'dsa_art_9' || r.channel === 'dsa_art_10');
    expect(dsa.length).toBeGreaterThan(100);
    expect(dsa.every((r) => r.received_at >= '2024-02-17' && r.dsa_category && r.acknowledged_at)).toBe(true);
    expect(dsa.some((r) => r.effect_given_at)).toBe(true);
    for (const r of dsa) {
      if (r.effect_given_at) expect((r.acknowledged_at as string) <= r.effect_given_at).toBe(true);
    }
    const eEvidence = demo.filter((r) => r.channel === 'eu_e_evidence');
    expect(eEvidence.length).toBeGreaterThan(0);
    expect(eEvidence.every((r) => r.received_at >= '2026-08-18' && r.agency.country !== 'DK')).toBe(true);
  });

  it('has MLAT requests, executive-agreement orders after their dates and civil subpoenas', () => {
    // After 2015-H1 an MLAT request is recorded as the US process served under 3512, and its tier applies.
    const mlat = demo.filter((r) => r.channel === 'mlat' && r.received_at >= '2015-07-01');
    expect(new Set(mlat.map((r) => r.process_type))).toEqual(
      new Set(['search_warrant', 'court_order_2703d']),
    );
    expect(
      mlat.filter((r) => r.outcome === 'content_produced').every((r) => r.process_type === 'search_warrant'),
    ).toBe(true);
    const ea = demo.filter((r) => r.channel === 'executive_agreement');
    expect(ea.some((r) => r.agency.country === 'GB')).toBe(true);
    expect(ea.some((r) => r.agency.country === 'AU')).toBe(true);
    for (const r of ea) {
      expect(r.received_at >= (r.agency.country === 'GB' ? '2022-10-03' : '2024-01-31')).toBe(true);
    }
    const civil = demo.filter((r) => r.process_type === 'civil_subpoena');
    expect(civil.length).toBeGreaterThan(10);
    expect(civil.every((r) => r.requester_class === 'civil_litigant' && r.case_class === 'civil')).toBe(true);
  });

  it('has UK Investigatory Powers Act orders since 2019, as foreign national-security process, never in the headline', () => {
    const ipa = demo.filter((r) => r.process_type === 'foreign_national_security_order');
    expect(ipa.length).toBeGreaterThan(10);
    expect(ipa.every((r) => r.agency.country === 'GB' && r.received_at >= '2019')).toBe(true);
    expect(ipa.every((r) => r.legal_authority?.startsWith('Investigatory Powers Act 2016'))).toBe(true);
    expect(ipa.every((r) => r.ndo?.authority === 'foreign' && r.ndo.expires_at === null)).toBe(true);
    // Content only through the US-UK agreement, once it was in force.
    const content = ipa.filter((r) => r.data_sought.includes('content'));
    expect(content.length).toBeGreaterThan(0);
    expect(content.every((r) => r.channel === 'executive_agreement' && r.received_at >= '2022-10-03')).toBe(
      true,
    );
    expect(headline(ipa)).toEqual([]);
    // They come from a stream of their own: every other request is the one generated before they existed.
    expect(demo.filter((r) => r.received_at < '2019').some((r) => /-9\d{4}$/.test(r.external_ref))).toBe(
      false,
    );
  });

  it('has a few informal requests since 2018, access modes since 2019 and court challenges, from a stream of their own', () => {
    const informal = demo.filter((r) => r.channel === 'informal');
    expect(informal.length).toBeGreaterThan(10);
    expect(informal.every((r) => r.received_at >= '2018')).toBe(true);
    expect(informal.every((r) => ['takedown_request', 'other'].includes(r.process_type))).toBe(true);
    expect(informal.every((r) => /-8\d{4}$/.test(r.external_ref))).toBe(true);
    expect(headline(informal)).toEqual([]);
    expect(demo.filter((r) => r.received_at < '2019').some((r) => r.access_mode)).toBe(false);
    const recorded = demo.filter((r) => r.received_at >= '2019' && r.demand_kind === 'disclose');
    expect(recorded.filter((r) => r.access_mode === 'stored').length).toBeGreaterThan(recorded.length / 2);
    expect(demo.some((r) => r.process_type === 'court_order' && r.access_mode === 'prospective')).toBe(true);
    const challenged = demo.filter((r) => r.court_challenge);
    expect(challenged.length).toBeGreaterThan(5);
    expect(challenged.every((r) => r.outcome === 'rejected' && r.channel !== 'informal')).toBe(true);
    expect(new Set(challenged.map((r) => r.court_challenge!.result)).size).toBeGreaterThan(2);
  });

  it('resolves phone numbers to accounts as value|account identifiers', () => {
    expect(demo.some((r) => r.identifiers.some((i) => i.value.startsWith('+1') && i.account))).toBe(true);
    expect(demo.some((r) => r.identifiers.some((i) => !i.account))).toBe(true);
  });

  it('keeps notice consistent with outcome and orders', () => {
    for (const r of demo) {
      if (r.outcome === 'rejected' || r.outcome === 'withdrawn_after_notice_policy') {
        expect(['not_applicable', 'prohibited_by_order']).toContain(r.notice_status);
      }
      if (r.notice_status === 'prohibited_by_order') expect(r.ndo).toBeTruthy();
    }
    const statuses = new Set(demo.map((r) => r.notice_status));
    for (const s of [
      'sent',
      'prohibited_by_order',
      'delayed_emergency',
      'not_applicable',
      'not_possible',
      'pending',
      'not_recorded',
    ]) {
      expect(statuses.has(s as never)).toBe(true);
    }
  });

  it('brings the history before 2017 in as published: identifier kind and settled notice not recorded', () => {
    const old = demo.filter((r) => r.received_at < '2017');
    const recent = demo.filter((r) => r.received_at >= '2017');
    expect(old.every((r) => r.identifier_kind === undefined)).toBe(true);
    expect(old.some((r) => r.notice_status === 'not_recorded')).toBe(true);
    expect(old.some((r) => r.notice_status === 'sent')).toBe(false);
    expect(recent.every((r) => r.identifier_kind !== undefined)).toBe(true);
    expect(recent.some((r) => r.notice_status === 'not_recorded')).toBe(false);
    expect(new Set(recent.map((r) => r.identifier_kind))).toEqual(
      new Set(['account', 'phone', 'email', 'url', 'ip_address']),
    );
  });

  it('refuses an until before 2015-H1 or in another format', () => {
    expect(() => generateDemo({ until: '2014-H2' })).toThrow(RangeError);
    expect(() => generateDemo({ until: '2020' })).toThrow(RangeError);
  });
});

describe('demoSummary', () => {
  it('counts per half-year', () => {
    const [first] = demoSummary(demo);
    expect(first).toMatchObject({
      period: '2015-H1',
      requests: 268,
      accounts: 118,
      us: 222,
      international: 46,
      open: 0,
    });
  });
});

describe('demoStream', () => {
  it('yields the asked number of valid requests with unique refs, deterministically', () => {
    const rows = [...demoStream({ seed: 3, rows: 2_000 })];
    expect(rows).toHaveLength(2_000);
    for (const r of rows) expect(requestInput.safeParse(r).success).toBe(true);
    expect(new Set(rows.map((r) => r.external_ref)).size).toBe(2_000);
    const strip = ({ external_ref: _, ...rest }: ValidRequest) => rest;
    expect([...demoStream({ seed: 3, rows: 50 })].map(strip)).toEqual(rows.slice(0, 50).map(strip));
  });
});

describe('the demo and the policy gate', () => {
  it('records nothing the gate refuses but its emergency and 2015 MLAT history (carried with a history override)', () => {
    // generateDemo() fills 2026-H2 up to its last instant.
    const now = new Date(Date.parse('2027-01-01T00:00:00Z') - 1);
    const refused = new Map<string, number>();
    for (const r of demo) {
      for (const x of policyGate(intakeFacts(r, now), defaultPolicy)) {
        const k = `${x.rule}:${r.process_type}:${r.channel}`;
        refused.set(k, (refused.get(k) ?? 0) + 1);
      }
    }
    expect([...refused.keys()].sort()).toEqual([
      'emergency_not_ready:emergency_request:domestic',
      'mlat_served_process:mlat_request:mlat',
    ]);
    // The MLAT history is Twilio's published 2015 rows alone: later MLAT requests record the served process.
    const mlatHistory = demo.filter(
      (r) => r.process_type === 'mlat_request' && policyGate(intakeFacts(r, now), defaultPolicy).length > 0,
    );
    expect(mlatHistory.length).toBeGreaterThan(0);
    expect(mlatHistory.every((r) => r.received_at < '2015-07-01')).toBe(true);
    // Agreement orders reach content without an override: on their channel, with the target recorded.
    const agreement = demo.filter(
      (r) => r.channel === 'executive_agreement' && r.outcome === 'content_produced',
    );
    expect(agreement.length).toBeGreaterThan(0);
    expect(agreement.every((r) => r.target_us_person === false)).toBe(true);
  });
});

describe('the demo a team kept up with', () => {
  it('sends no notice before its emergency delay runs out, even one that runs out within the first hours', () => {
    const until = '2017-H2';
    const first = generateDemo({ until, keptUp: defaultPolicy });
    const emergency = first.find(
      (r) => r.emergency_basis && r.responded_at && r.notice_status === 'sent' && r.received_at > '2017-07',
    );
    expect(emergency).toBeDefined();
    const ends = emergencyNoticeDueAt(new Date(emergency!.responded_at!), defaultPolicy);
    // The same history, looked at an hour before that request's delay ends.
    const now = new Date(ends.getTime() - 3_600_000);
    const again = generateDemo({ until, now, keptUp: defaultPolicy });
    const same = again.find((r) => r.external_ref === emergency!.external_ref)!;
    expect(same.responded_at).toBe(emergency!.responded_at);
    expect(same.notice_status).toBe('delayed_emergency');
    const held = again.filter((r) =>
      policyGate(intakeFacts(r, now), defaultPolicy).some((x) => x.rule === 'notice_held'),
    );
    expect(held.map((r) => r.external_ref)).toEqual([]);
  });
});
