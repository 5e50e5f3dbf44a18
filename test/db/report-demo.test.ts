import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSummary, generateDemo, TWILIO_2015_H1 } from '../../src/domain/demo-data.ts';
import type { ValidRequest } from '../../src/domain/request-input.ts';
import { sectionOf } from '../../src/domain/report-sections.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderText } from '../../src/reports/render/text.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

/**
 * The demo counts Twilio's 268 over every request type, national security included; a Candor report
 * counts emergency, preservation, takedown and national-security requests in their own tables (DOMAIN.md
 * §5), and national security only in bands. So that the headline can show the published figures, the
 * demo's 2015-H1 requests of those kinds are loaded as ordinary subpoenas in the same place, with the same
 * accounts (a request outside 2015-H1 is loaded as generated).
 */
function asInformationRequest(r: ValidRequest): ValidRequest {
  if (r.received_at >= '2015-07-01') return r;
  const section = sectionOf({
    process_type: r.process_type,
    case_class: r.case_class ?? null,
    demand_kind: r.demand_kind ?? 'disclose',
    emergency: r.emergency,
  });
  if (section === 'information') return r;
  return {
    ...r,
    process_type: 'subpoena',
    demand_kind: 'disclose',
    emergency: false,
    case_class: 'criminal',
  };
}

let t: TestDb;
const demo = generateDemo({ seed: 2015 });
beforeAll(async () => {
  t = await testDatabase();
  const now = new Date('2027-01-15T00:00:00Z');
  await t.db.transaction().execute(async (trx) => {
    const agencies = new Map<string, number>();
    for (let i = 0; i < demo.length; i += 2000) {
      await writeRequests(
        trx,
        demo.slice(i, i + 2000).map((r) => prepareRequest(asInformationRequest(r), now)),
        agencies,
      );
    }
  });
});
afterAll(async () => t?.close());

describe("the demo's own 2015-H1 report", () => {
  it("finds Twilio's published figures: 268 requests, 118 accounts, US 222, international 46 by country", async () => {
    const r = await computeReport(t.db, {
      period: '2015-H1',
      provider: { name: 'Twilio Inc.' },
      nsOption: 'a3',
      publicationDate: '2015-08-31',
      now: new Date('2015-08-31T00:00:00Z'),
    });
    expect(r.tables.summary.requests.count).toBe(268);
    expect(r.tables.summary.accounts_specified.count).toBe(118);
    const us = r.tables.by_country.find((c) => c.country === 'US');
    expect(us?.requests).toBe(222);
    const intl = r.tables.by_country.filter((c) => c.country !== 'US');
    expect(intl.reduce((n, c) => n + c.requests, 0)).toBe(46);
    expect(intl.map((c) => `${c.region}: ${c.country_name} ${c.requests}`)).toEqual([
      'Americas: Canada 22',
      'EMEA: Austria 1',
      'EMEA: Bahrain 1',
      'EMEA: Belgium 4',
      'EMEA: France 1',
      'EMEA: Germany 1',
      'EMEA: Italy 3',
      'EMEA: Norway 2',
      'EMEA: Portugal 1',
      'EMEA: Switzerland 4',
      'APAC: Australia 4',
      'APAC: Japan 2',
    ]);
    expect(Object.fromEntries(intl.map((c) => [c.country, c.requests]))).toEqual(
      TWILIO_2015_H1.international,
    );
    // What the change of kinds moved: the demo's other 2015-H1 requests, national security included.
    const h1 = demoSummary(demo)[0]!;
    expect(h1.requests).toBe(TWILIO_2015_H1.requests);
    const text = renderText(r);
    expect(text).toContain('268 requests');
    expect(text).toContain('118 customer accounts');
  });
});
