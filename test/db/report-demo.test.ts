import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSummary, generateDemo, TWILIO_2015_H1 } from '../../src/demo/index.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderText } from '../../src/reports/render/text.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';

let t: TestDb;
// Generated and loaded at the same instant, as `candor demo` does: which orders are in force depends on it.
const now = new Date('2027-01-15T00:00:00Z');
const demo = generateDemo({ seed: 2015, now: now.toISOString() });
beforeAll(async () => {
  t = await testDatabase();
  await t.db.transaction().execute((trx) => loadDemo(trx, demo, { seed: 2015, actor: 'test', now }));
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
    // Words as read, whatever the line breaks of the text format.
    const text = renderText(r).replace(/\s+/g, ' ');
    // The headline keeps Twilio's 268, every kind of request included; beside it, data demands and takedowns.
    expect(text).toContain('268 government requests');
    expect(r.tables.summary.data_demands!.count + r.tables.takedown.requests).toBe(268);
    expect(text).toContain('118 customer accounts');
  });
});

describe('the demo customer contacts', () => {
  it('reach most customers whose notice may still go, and leave some without, to show both', async () => {
    const mayGo = new Set(['pending', 'prohibited_by_order', 'delayed_emergency']);
    const accounts = new Set(
      demo.filter((r) => r.notice_status && mayGo.has(r.notice_status)).flatMap((r) => r.accounts),
    );
    const contacts = await t.db.selectFrom('customer_contacts').select(['account_ref', 'email']).execute();
    expect(contacts.length).toBeGreaterThan(accounts.size / 2);
    expect(contacts.every((c) => accounts.has(c.account_ref) && c.email.endsWith('@customers.example'))).toBe(
      true,
    );
    const have = new Set(contacts.map((c) => c.account_ref));
    expect([...accounts].some((a) => !have.has(a))).toBe(true);
  });
});

describe('the demo due view', () => {
  it('is the backlog of a team that kept up: no review or follow-up overdue by more than a year', async () => {
    const now = new Date('2027-01-15T00:00:00Z');
    const s = servicesFor(t, testClock(now.toISOString()));
    const items = await s.due.list(actor('viewer'), { now });
    const kinds = new Set(items.map((i) => i.kind));
    expect(kinds.has('gag_review') && kinds.has('notice_owed')).toBe(true);
    const yearAgo = new Date(now.getTime() - 365 * 86_400_000).toISOString();
    const stale = items.filter(
      (i) => (i.kind === 'gag_review' || i.kind === 'emergency_follow_up') && i.due_at < yearAgo,
    );
    expect(stale).toEqual([]);
  });
});

describe('a demo emergency answered long ago', () => {
  it('shows the follow-up process received on its page', async () => {
    const row = await t.db
      .selectFrom('emergency_records')
      .select('request_id')
      .where('follow_up_received_at', 'is not', null)
      .orderBy('request_id')
      .executeTakeFirstOrThrow();
    const r = await servicesFor(t, testClock('2027-01-15T00:00:00Z')).requests.get(
      actor('viewer'),
      row.request_id,
    );
    expect(r.version).toBeGreaterThan(1);
    expect(r.workflow.emergency?.follow_up_received_at).toMatch(/^\d{4}-/);
  });
});
