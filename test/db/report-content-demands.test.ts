import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import type { AgencyKind } from '../../src/domain/vocabulary.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

// Content demands in the report (issue 16.1, 19.7, 19.8): the data-produced shares over requests for customer
// information alone, the takedown table by country x legal basis x outcome and by state-actor type, DSA keywords.

let t: TestDb;
const NOW = new Date('2025-03-01T00:00:00Z');

const agency = (country: string, kind: AgencyKind = 'law_enforcement') => ({
  name: `Agency ${country} ${kind}`,
  kind,
  level: 'national' as const,
  country,
});
let n = 0;
const req = (over: Partial<RequestInput> & Record<string, unknown>): RequestInput =>
  ({
    external_ref: `CD-${++n}`,
    received_at: '2024-08-01T10:00:00Z',
    agency: agency('US'),
    process_type: 'subpoena',
    data_sought: ['basic_subscriber'],
    ...over,
  }) as RequestInput;

async function record(inputs: RequestInput[]) {
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      inputs.map((i) => prepareRequest(requestInput.parse(i), NOW)),
    );
  });
}

const report = () =>
  computeReport(t.db, {
    period: '2024-H2',
    provider: { name: 'Example Inc.', service: 'Example' },
    nsOption: 'a3',
    publicationDate: '2025-01-31',
    now: NOW,
  });

beforeAll(async () => {
  t = await testDatabase();
  await record([
    // United States: two subpoenas (one answered with data) and a takedown on the provider's terms.
    req({ outcome: 'non_content_produced', responded_at: '2024-08-03T10:00:00Z' }),
    req({ outcome: 'no_data', responded_at: '2024-08-03T10:00:00Z' }),
    req({
      process_type: 'takedown_request',
      data_sought: [],
      accounts: ['A1'],
      restriction_basis: 'provider_terms',
      outcome: 'content_restricted',
      responded_at: '2024-08-02T10:00:00Z',
    }),
    // Germany: only takedowns, from a court (DSA Art. 9, with and without a keyword) and from a ministry.
    req({
      agency: agency('DE', 'court'),
      process_type: 'takedown_request',
      channel: 'dsa_art_9',
      data_sought: [],
      items_of_information: 2,
      dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      dsa_keyword: 'KEYWORD_HATE_SPEECH',
      restriction_basis: 'local_law',
      restriction_law: 'StGB § 130',
      outcome: 'content_restricted',
      responded_at: '2024-08-02T10:00:00Z',
    }),
    req({
      agency: agency('DE', 'court'),
      process_type: 'takedown_request',
      channel: 'dsa_art_9',
      data_sought: [],
      items_of_information: 1,
      dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
      restriction_basis: 'local_law',
      outcome: 'no_action',
      responded_at: '2024-08-02T10:00:00Z',
    }),
    req({
      agency: agency('DE', 'executive'),
      process_type: 'takedown_request',
      data_sought: [],
      accounts: ['B1', 'B2'],
      dsa_category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      dsa_keyword: 'KEYWORD_OTHER',
      dsa_keyword_other: 'Unlicensed gambling',
      outcome: 'content_restricted',
      responded_at: '2024-08-02T10:00:00Z',
    }),
  ]);
});
afterAll(async () => t?.close());

describe('the data-produced shares', () => {
  it('are over requests for customer information only: no row for a country that sent only takedowns', async () => {
    const r = await report();
    expect(r.tables.data_produced?.by_country).toEqual([
      { country: 'US', requests: 2, with_outcome: 2, some_data_produced: 1, pct: 0.5 },
    ]);
  });
});

const outcomes = (o: Record<string, number>) => expect.objectContaining({ in_process: 0, ...o });

describe('the takedown table', () => {
  it('breaks takedowns down by country x legal basis x outcome, with items and accounts', async () => {
    const t = (await report()).tables.takedown;
    expect(t.by_country_basis).toEqual([
      {
        country: 'US',
        restriction_basis: 'provider_terms',
        requests: 1,
        items: 1,
        accounts_specified: 1,
        outcomes: outcomes({ content_restricted: 1 }),
      },
      {
        country: 'DE',
        restriction_basis: 'local_law',
        requests: 2,
        items: 3,
        accounts_specified: 0,
        outcomes: outcomes({ content_restricted: 1, no_action: 1 }),
      },
      {
        country: 'DE',
        restriction_basis: 'not_recorded',
        requests: 1,
        items: 2,
        accounts_specified: 2,
        outcomes: outcomes({ content_restricted: 1 }),
      },
    ]);
  });

  it('counts content demands by the type of state actor', async () => {
    const t = (await report()).tables.takedown;
    expect(t.by_state_actor?.map((r) => [r.state_actor, r.requests, r.items, r.accounts_specified])).toEqual([
      ['law_enforcement', 1, 1, 1],
      ['court', 2, 3, 0],
      ['executive', 1, 2, 2],
    ]);
  });
});

describe('the DSA table', () => {
  it('carries the keyword rows recorded, with the "Other" description; the category row keeps every order', async () => {
    const rows = (await report()).tables.dsa!.rows.filter(
      (r) => r.scope === 'TOTAL' && r.category !== 'TOTAL',
    );
    expect(rows.map((r) => [r.category, r.keyword, r.orders_to_act, r.other_description])).toEqual([
      ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', null, 2, null],
      ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH', 1, null],
      ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', null, 1, null],
      ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_OTHER', 1, 'Unlicensed gambling'],
    ]);
  });
});
