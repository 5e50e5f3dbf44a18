import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { computeReport, type ComputeOptions } from '../../src/reports/compute.ts';
import { renderFiles } from '../../src/reports/files.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await sql`delete from request_targets`.execute(t.db);
  await sql`delete from nondisclosure_orders`.execute(t.db);
  await sql`delete from requests`.execute(t.db);
});

const NOW = new Date('2015-09-01T00:00:00Z');
async function load(inputs: RequestInput[]): Promise<void> {
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      inputs.map((i) => prepareRequest(requestInput.parse(i), NOW)),
    );
  });
}
const opts = (over: Partial<ComputeOptions> = {}): ComputeOptions => ({
  period: '2015-H1',
  provider: { name: 'Example Inc.' },
  nsOption: 'a3',
  publicationDate: '2015-08-31',
  now: NOW,
  // These tests use 2015 dates for DSA orders too; when the DSA applies is tested on its own.
  dsaAppliesFrom: '2015-01-01',
  ...over,
});
const at = (day: string) => `${day}T10:00:00Z`;
const agency = (
  country: string,
  level: 'federal' | 'state' | 'local' | 'municipal' | 'national',
  subdivision?: string,
) => ({
  name: `Agency ${country} ${level} ${subdivision ?? ''}`.trim(),
  kind: 'law_enforcement' as const,
  level,
  country,
  subdivision,
});

describe('computeReport', () => {
  it('reports an empty period as zeros that pass the schema', async () => {
    const r = await computeReport(t.db, opts());
    expect(r.tables.summary.requests).toEqual({ count: 0, pct: null, base: 'requests' });
    expect(r.tables.by_country).toEqual([]);
    expect(r.tables.national_security?.entries[0]?.requests).toEqual({ low: 0, high: 249 });
  });

  it('counts a request in the period it was received, by the UTC instant', async () => {
    await load([
      requestFactory({ received_at: '2014-12-31T23:59:59Z' }),
      requestFactory({ received_at: '2015-01-01T00:00:00Z' }),
      requestFactory({ received_at: '2015-06-30T23:59:59Z' }),
      requestFactory({ received_at: '2015-07-01T00:00:00Z' }),
    ]);
    expect((await computeReport(t.db, opts())).tables.summary.requests.count).toBe(2);
    expect((await computeReport(t.db, opts({ period: '2015' }))).tables.summary.requests.count).toBe(3);
    expect(
      (await computeReport(t.db, opts({ period: '2015-06-30..2015-07-01' }))).tables.summary.requests.count,
    ).toBe(2);
  });

  it('counts distinct accounts across requests, identifiers per target, and open requests as in process', async () => {
    await load([
      requestFactory({
        received_at: at('2015-02-01'),
        accounts: ['A1', 'A2'],
        outcome: 'non_content_produced',
        responded_at: at('2015-02-03'),
      }),
      requestFactory({
        received_at: at('2015-02-02'),
        accounts: ['A1'],
        identifiers: [{ value: '+15551234567', account: 'A1' }, { value: '+15550000000' }],
      }),
    ]);
    const s = (await computeReport(t.db, opts())).tables.summary;
    expect(s.requests.count).toBe(2);
    expect(s.identifiers_specified.count).toBe(5);
    expect(s.accounts_specified.count).toBe(2);
    expect(s.accounts_with_data_produced.count).toBe(2);
    expect(s.in_process).toEqual({ count: 1, pct: 0.5, base: 'requests' });
  });

  it('lists the US first, then regions and countries by name, with US levels and states', async () => {
    await load([
      requestFactory({ received_at: at('2015-03-01'), agency: agency('JP', 'national') }),
      requestFactory({ received_at: at('2015-03-01'), agency: agency('CA', 'federal') }),
      requestFactory({ received_at: at('2015-03-01'), agency: agency('AT', 'national') }),
      requestFactory({ received_at: at('2015-03-01'), agency: agency('US', 'municipal', 'US-CA') }),
      requestFactory({ received_at: at('2015-03-01'), agency: agency('US', 'state', 'US-NY') }),
      requestFactory({ received_at: at('2015-03-01'), agency: agency('US', 'federal') }),
    ]);
    const r = await computeReport(t.db, opts());
    expect(r.tables.by_country.map((c) => `${c.region}:${c.country_name}`)).toEqual([
      'Americas:United States',
      'Americas:Canada',
      'EMEA:Austria',
      'APAC:Japan',
    ]);
    expect(r.tables.us_by_level).toMatchObject({
      federal: { requests: 1 },
      state: { requests: 1 },
      local: { requests: 1 },
      other: { requests: 0 },
    });
    expect(r.tables.us_by_state).toEqual([
      { subdivision: 'US-CA', name: 'California', requests: 1 },
      { subdivision: 'US-NY', name: 'New York', requests: 1 },
    ]);
  });

  it('counts preservation, emergency and takedown requests in the headline and in their own tables, national security in neither', async () => {
    await load([
      requestFactory({ received_at: at('2015-04-01') }),
      requestFactory({
        received_at: at('2015-04-01'),
        process_type: 'preservation_request',
        accounts: ['P1'],
        outcome: 'preserved',
        responded_at: at('2015-04-01'),
      }),
      requestFactory({
        received_at: at('2015-04-20'),
        process_type: 'preservation_request',
        accounts: ['P1'],
      }),
      requestFactory({
        received_at: at('2015-04-01'),
        process_type: 'emergency_request',
        emergency_basis: 'threat to life',
      }),
      requestFactory({
        received_at: at('2015-04-01'),
        process_type: 'takedown_request',
        items_of_information: 3,
        outcome: 'content_restricted',
        responded_at: at('2015-04-02'),
      }),
      requestFactory({ received_at: at('2015-04-01'), process_type: 'national_security_letter' }),
    ]);
    const r = await computeReport(t.db, opts());
    // Twilio's rule: every request but national-security process is in the headline.
    expect(r.tables.summary.requests.count).toBe(5);
    expect(r.tables.process_outcome.map((p) => p.process_type).sort()).toEqual([
      'emergency_request',
      'grand_jury_subpoena',
      'preservation_request',
      'takedown_request',
    ]);
    // A second request for the same account is not an extension: only renewals recorded on holds are.
    expect(r.tables.preservation).toEqual({ requests: 2, extensions: 0, accounts_preserved: 1 });
    expect(r.tables.emergency.us.requests).toBe(1);
    expect(r.tables.takedown).toMatchObject({ requests: 1, items: 3, outcomes: { content_restricted: 1 } });
    expect(r.tables.by_country.reduce((n, c) => n + c.requests, 0)).toBe(5);
    // P1 once, and the factory's own account of the subpoena, the emergency and the takedown; not the NSL's.
    expect(r.tables.summary.accounts_specified.count).toBe(4);
  });

  it('computes the DSA table with medians in hours, 0 for an acknowledgement within the hour, blank without orders', async () => {
    const dsa = (channel: 'dsa_art_9' | 'dsa_art_10', country: string, ack: string, effect: string | null) =>
      requestFactory({
        received_at: '2015-05-01T00:00:00Z',
        agency: agency(country, 'national'),
        channel,
        process_type: channel === 'dsa_art_9' ? 'takedown_request' : 'court_order',
        dsa_category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        items_of_information: 2,
        acknowledged_at: ack,
        effect_given_at: effect,
      });
    await load([
      dsa('dsa_art_9', 'DE', '2015-05-01T00:30:00Z', '2015-05-02T00:00:00Z'),
      dsa('dsa_art_9', 'DE', '2015-05-01T10:00:00Z', '2015-05-01T20:00:00Z'),
      dsa('dsa_art_10', 'GR', '2015-05-01T04:00:00Z', null),
    ]);
    const d = (await computeReport(t.db, opts())).tables.dsa!;
    expect(d.member_states).toEqual(['DE', 'EL']);
    const row = (category: string, scope: string) =>
      d.rows.find((r) => r.category === category && r.scope === scope);
    expect(row('TOTAL', 'TOTAL')).toMatchObject({
      orders_to_act: 2,
      items: 4,
      median_hours_to_acknowledge: 5,
      median_hours_to_effect: 22,
      orders_to_provide_information: 1,
      median_hours_to_acknowledge_information: 4,
      median_hours_to_effect_information: null,
    });
    expect(row('TOTAL', 'EL')).toMatchObject({ orders_to_act: 0, median_hours_to_acknowledge: null });
  });

  it('renders every format from computed data', async () => {
    await load([requestFactory({ received_at: at('2015-02-01') })]);
    const files = await renderFiles(await computeReport(t.db, opts()));
    expect([...files.keys()].sort()).toEqual([
      'dsa/part1.csv',
      'dsa/part2.csv',
      'dsa/part3.csv',
      'report.csv',
      'report.html',
      'report.json',
      'report.md',
      'report.pdf',
      'report.txt',
    ]);
  });
});
