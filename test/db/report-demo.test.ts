import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSummary, generateDemo, TWILIO_2015_H1 } from '../../src/domain/demo-data.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderText } from '../../src/reports/render/text.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

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
        demo.slice(i, i + 2000).map((r) => prepareRequest(r, now)),
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
    // Twilio's 268 included its emergency, preservation and takedown requests, which also have tables.
    const h1 = demoSummary(demo)[0]!;
    expect(h1.requests).toBe(TWILIO_2015_H1.requests);
    expect(r.tables.emergency.us.requests + r.tables.emergency.non_us.requests).toBeGreaterThan(0);
    expect(r.tables.preservation.requests).toBeGreaterThan(0);
    expect(r.tables.takedown.requests).toBeGreaterThan(0);
    // Its NSLs and FISA order came on top, only in a band.
    expect(h1.national_security).toBe(3);
    expect(r.tables.national_security?.entries.map((e) => [e.kind, e.requests])).toEqual([
      ['combined', { low: 0, high: 249 }],
    ]);
    const text = renderText(r);
    expect(text).toContain('268 requests');
    expect(text).toContain('118 customer accounts');
  });
});
