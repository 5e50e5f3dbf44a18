import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BANDED_ONLY_PROCESS, sectionOf } from '../../src/domain/report-sections.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { PROSPECTIVE_PROCESS } from '../../src/domain/request-process.ts';
import {
  ACCESS_MODES,
  CHALLENGE_RESULTS,
  CHALLENGE_STAGES,
  DATA_SOUGHT,
  DEMAND_KINDS,
  IDENTIFIER_KINDS,
  OUTCOMES,
  PROCESS_TYPES,
} from '../../src/domain/vocabulary.ts';
import { computeReport } from '../../src/reports/compute.ts';
import type { OutcomeCounts, ReportData } from '../../src/reports/report-data.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());

const NOW = new Date('2016-01-01T00:00:00Z');

/** A random request in or near 2015-H1; state and local US agencies always name their state. */
const arbRequest = fc
  .record({
    day: fc.integer({ min: -20, max: 200 }),
    country: fc.constantFrom('US', 'US', 'US', 'CA', 'DE', 'GR', 'JP', 'BR', 'AQ'),
    level: fc.constantFrom(
      'federal',
      'state',
      'local',
      'municipal',
      'national',
      'supranational',
      'not_recorded',
    ),
    identifier_kind: fc.option(fc.constantFrom(...IDENTIFIER_KINDS), { nil: undefined }),
    state: fc.constantFrom('US-CA', 'US-NY', 'US-TX'),
    process_type: fc.constantFrom(...PROCESS_TYPES),
    emergency: fc.boolean(),
    outcome: fc.option(fc.constantFrom(...OUTCOMES), { nil: undefined }),
    accounts: fc.uniqueArray(fc.constantFrom('A1', 'A2', 'A3', 'A4', 'A5', 'A6'), { maxLength: 3 }),
    extra: fc.uniqueArray(fc.constantFrom('+1555000001', '+1555000002', 'x@example.com'), { maxLength: 2 }),
    extraAccount: fc.option(fc.constantFrom('A1', 'A7'), { nil: undefined }),
    sought: fc.subarray([...DATA_SOUGHT]),
    hoursToRespond: fc.integer({ min: 0, max: 2000 }),
    demand: fc.option(fc.constantFrom(...DEMAND_KINDS), { nil: undefined }),
    channel: fc.constantFrom('domestic', 'domestic', 'mlat', 'dsa_art_9', 'dsa_art_10'),
    items: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    // Issue 16.2: informal requests (one in five), the access mode and a court challenge.
    informal: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    access: fc.option(fc.constantFrom(...ACCESS_MODES), { nil: undefined }),
    challenge: fc.option(
      fc.record({
        stage: fc.constantFrom(...CHALLENGE_STAGES),
        result: fc.constantFrom(...CHALLENGE_RESULTS),
      }),
      { nil: undefined },
    ),
  })
  .map((r): Omit<RequestInput, 'external_ref'> => {
    const received = new Date(Date.UTC(2015, 0, 1) + r.day * 86_400_000 + 3_600_000).toISOString();
    const us = r.country === 'US';
    // A foreign national-security order comes from a foreign authority (the request schema refuses a US one);
    // an informal request carries no legal process (only a takedown request or other).
    const formalProcess =
      r.country === 'US' && r.process_type === 'foreign_national_security_order'
        ? 'national_security_letter'
        : r.process_type;
    const process = r.informal ? (r.process_type < 'm' ? 'takedown_request' : 'other') : formalProcess;
    return {
      received_at: received,
      agency: {
        name: `Agency ${r.country} ${r.level}${us ? r.state : ''}`,
        kind: 'law_enforcement',
        level: r.level as never,
        country: r.country,
        subdivision: us && ['state', 'local', 'municipal'].includes(r.level) ? r.state : undefined,
      },
      process_type: process,
      demand_kind: r.demand,
      channel: (r.informal ? 'informal' : r.channel) as never,
      // Wiretap and pen-register orders are never stored (the schema refuses it).
      access_mode: PROSPECTIVE_PROCESS.includes(process) && r.access === 'stored' ? 'prospective' : r.access,
      court_challenge: r.challenge,
      items_of_information: r.items,
      identifier_kind: r.identifier_kind,
      data_sought: r.sought,
      emergency: r.emergency,
      emergency_basis: r.emergency ? 'danger to life' : undefined,
      accounts: r.accounts,
      identifiers: r.extra.map((value) => ({ value, account: r.extraAccount })),
      outcome: r.outcome,
      responded_at: r.outcome
        ? new Date(Date.parse(received) + r.hoursToRespond * 3_600_000).toISOString()
        : undefined,
    };
  });

async function load(rows: Array<Omit<RequestInput, 'external_ref'>>): Promise<void> {
  await sql`delete from request_targets`.execute(t.db);
  await sql`delete from nondisclosure_orders`.execute(t.db);
  await sql`delete from requests`.execute(t.db);
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      // Every other row as imported history (its notice may default to not_recorded).
      rows.map((r, i) =>
        prepareRequest(requestInput.parse({ ...r, external_ref: `R-${i}` }), NOW, { history: i % 2 === 0 }),
      ),
    );
  });
}

const outcomeSum = (o: OutcomeCounts) => Object.values(o).reduce((a: number, b) => a + (b ?? 0), 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function checkTables(r: ReportData): void {
  const t = r.tables;
  const s = t.summary;
  // Countries sum to the total, and every row's outcomes (with in process) sum to its requests.
  expect(sum(t.by_country.map((c) => c.requests))).toBe(s.requests.count);
  for (const c of t.by_country) expect(outcomeSum(c.outcomes), c.country).toBe(c.requests);
  for (const p of t.process_outcome) {
    expect(outcomeSum(p.outcomes), p.process_type).toBe(p.requests);
    expect(p.accounts_with_data_produced).toBeLessThanOrEqual(p.accounts_specified);
  }
  for (const part of [t.emergency.us, t.emergency.non_us])
    expect(outcomeSum(part.outcomes)).toBe(part.requests);
  expect(outcomeSum(t.takedown.outcomes)).toBe(t.takedown.requests);
  // Accounts with data produced <= accounts specified <= identifiers specified.
  expect(s.accounts_with_data_produced.count).toBeLessThanOrEqual(s.accounts_specified.count);
  expect(s.accounts_specified.count).toBeLessThanOrEqual(s.identifiers_specified.count);
  // The process x outcome matrix adds up to the summary.
  expect(sum(t.process_outcome.map((p) => p.requests))).toBe(s.requests.count);
  // Open when computed implies open at the period's end (no outcome, so no response yet either).
  expect(sum(t.process_outcome.map((p) => p.outcomes.in_process))).toBeLessThanOrEqual(s.in_process.count);
  // A distinct account counted in several rows makes row sums at least the total, never less.
  expect(sum(t.process_outcome.map((p) => p.accounts_specified))).toBeGreaterThanOrEqual(
    s.accounts_specified.count,
  );
  // US levels sum to the US row; states to its state and local requests.
  const us = t.by_country.find((c) => c.country === 'US');
  const levels = Object.values(t.us_by_level);
  expect(sum(levels.map((l) => l.requests))).toBe(us?.requests ?? 0);
  expect(sum(t.us_by_state.map((x) => x.requests))).toBe(
    t.us_by_level.state.requests + t.us_by_level.local.requests,
  );
  for (const l of levels) expect(l.accounts_specified).toBeLessThanOrEqual(us?.accounts_specified ?? 0);
  // Channels and notice rows each add up to the headline requests (which include emergencies).
  expect(sum(Object.values(t.international_channel))).toBe(s.requests.count);
  const n = t.notice;
  expect(
    n.given +
      n.prevented_by_order +
      n.delayed_emergency +
      n.not_possible +
      n.not_applicable +
      n.pending +
      (n.not_recorded ?? 0),
  ).toBe(s.requests.count);
  // Access modes split each process type's requests, and the rows the headline; wiretaps are never stored.
  const am = t.access_mode ?? [];
  expect(am.map((x) => [x.process_type, x.requests])).toEqual(
    t.process_outcome.map((p) => [p.process_type, p.requests]),
  );
  for (const x of am) {
    expect(x.stored + x.prospective + x.not_recorded).toBe(x.requests);
    if (PROSPECTIVE_PROCESS.includes(x.process_type)) expect(x.stored + x.not_recorded).toBe(0);
  }
  // Court challenges: each request once, its stages and results without loss, within the headline.
  const cc = t.pushback.court_challenges!;
  expect(sum(cc.by_stage_result.map((x) => x.requests))).toBe(cc.requests);
  expect(cc.requests).toBeLessThanOrEqual(s.requests.count);
  // Informal requests: their outcomes add up, split by country and by process type without loss.
  const inf = t.informal_requests!;
  expect(outcomeSum(inf.outcomes as OutcomeCounts)).toBe(inf.requests);
  expect(sum(inf.by_country.map((x) => x.requests))).toBe(inf.requests);
  expect(sum(inf.by_process_type.map((x) => x.requests))).toBe(inf.requests);
  // Identifier kinds (not_recorded included) split the headline without loss; rows only with requests.
  const ik = t.identifier_kinds ?? [];
  expect(sum(ik.map((x) => x.requests))).toBe(s.requests.count);
  for (const x of ik) {
    expect(x.requests).toBeGreaterThan(0);
    expect(x.accounts_specified).toBeLessThanOrEqual(s.accounts_specified.count);
  }
  expect(sum(ik.map((x) => x.identifiers_specified))).toBe(s.identifiers_specified.count);
  // Some data produced: one row per process type and per country, its base without open and not-recorded.
  const dp = t.data_produced!;
  expect(dp.by_process_type.map((x) => x.process_type)).toEqual(t.process_outcome.map((p) => p.process_type));
  expect(dp.by_country.map((x) => [x.country, x.requests])).toEqual(
    (t.data_demands?.by_country ?? []).map((c) => [c.country, c.requests]),
  );
  for (const [x, o] of dp.by_process_type.map((x, i) => [x, t.process_outcome[i]!.outcomes] as const)) {
    expect(x.with_outcome).toBe(x.requests - o.in_process - (o.not_recorded ?? 0));
    expect(x.some_data_produced).toBe(o.content_produced + o.non_content_produced);
    expect(x.pct).toBe(x.with_outcome === 0 ? null : x.some_data_produced / x.with_outcome);
  }
  // Takedowns by country x legal basis and by state actor (schema version 6) add up to the takedown table.
  const tk = t.takedown;
  for (const c of tk.by_country ?? []) {
    const rows = (tk.by_country_basis ?? []).filter((x) => x.country === c.country);
    expect(sum(rows.map((x) => x.requests))).toBe(c.requests);
    expect(sum(rows.map((x) => x.items))).toBe(c.items);
  }
  for (const rows of [tk.by_country_basis ?? [], tk.by_state_actor ?? []]) {
    expect(sum(rows.map((x) => x.requests))).toBe(tk.requests);
    for (const k of Object.keys(tk.outcomes) as Array<keyof typeof tk.outcomes>)
      expect(sum(rows.map((x) => x.outcomes[k] ?? 0))).toBe(tk.outcomes[k] ?? 0);
  }
  // Data produced by country is over data demands: a takedown's outcome is not in its base.
  for (const x of dp.by_country) {
    const c = t.by_country.find((r) => r.country === x.country)!;
    const taken = (tk.by_country_basis ?? []).filter((r) => r.country === x.country);
    const produced = (o: { content_produced: number; non_content_produced: number }) =>
      o.content_produced + o.non_content_produced;
    expect(x.some_data_produced).toBe(produced(c.outcomes) - sum(taken.map((r) => produced(r.outcomes))));
  }
  // Not recorded is an outcome of its own, never pushback.
  const notRecorded = sum(t.by_country.map((c) => c.outcomes.not_recorded ?? 0));
  expect(t.pushback.rejected + t.pushback.withdrawn + t.pushback.withdrawn_after_notice_policy).toBe(
    sum(
      t.by_country.map(
        (c) => c.outcomes.rejected + c.outcomes.withdrawn + c.outcomes.withdrawn_after_notice_policy,
      ),
    ),
  );
  expect(notRecorded).toBe(sum(t.process_outcome.map((p) => p.outcomes.not_recorded ?? 0)));
  // Accounts restricted and deleted are distinct accounts of the headline.
  expect(t.account_actions!.accounts_restricted + t.account_actions!.accounts_deleted).toBeLessThanOrEqual(
    s.accounts_specified.count,
  );
  // Emergency, preservation and takedown requests are part of the headline and also have their own tables.
  expect(
    t.emergency.us.requests + t.emergency.non_us.requests + t.preservation.requests + t.takedown.requests,
  ).toBeLessThanOrEqual(s.requests.count);
  expect(t.pushback.rejected).toBe(sum(t.by_country.map((c) => c.outcomes.rejected)));
  // Data demands + takedowns = all requests: in the headline, per country, per channel and per notice row.
  const dd = t.data_demands!;
  const td = t.takedown;
  expect(s.data_demands!.count + td.requests).toBe(s.requests.count);
  expect(sum(dd.by_country.map((c) => c.requests))).toBe(s.data_demands!.count);
  for (const c of t.by_country) {
    const mine = (rows: ReadonlyArray<{ country: string; requests: number }>) =>
      rows.find((x) => x.country === c.country)?.requests ?? 0;
    expect(mine(dd.by_country) + mine(td.by_country!), c.country).toBe(c.requests);
  }
  for (const x of [...dd.by_country, ...td.by_country!]) expect(x.requests).toBeGreaterThan(0);
  expect(sum(td.by_country!.map((c) => c.items))).toBe(td.items);
  expect(td.accounts_restricted!).toBeLessThanOrEqual(td.accounts_specified!);
  for (const c of td.by_country!) expect(c.accounts_specified).toBeLessThanOrEqual(td.accounts_specified!);
  for (const c of Object.keys(t.international_channel) as Array<keyof typeof t.international_channel>)
    expect(dd.international_channel[c] + td.international_channel![c], c).toBe(t.international_channel[c]);
  for (const k of Object.keys(t.notice) as Array<keyof typeof t.notice>)
    expect((dd.notice[k] ?? 0) + (td.notice![k] ?? 0), k).toBe(t.notice[k]);
  // Process type by country: each country's rows sum to its requests, each process type's to its row of the
  // process x outcome matrix; national-security process (US or foreign) never appears.
  const pbc = t.process_by_country ?? [];
  for (const c of t.by_country)
    expect(sum(pbc.filter((x) => x.country === c.country).map((x) => x.requests)), c.country).toBe(
      c.requests,
    );
  for (const p of t.process_outcome)
    expect(sum(pbc.filter((x) => x.process_type === p.process_type).map((x) => x.requests))).toBe(p.requests);
  for (const x of pbc) {
    expect(x.requests).toBeGreaterThan(0);
    expect(BANDED_ONLY_PROCESS).not.toContain(x.process_type);
  }
  // Data sought: the same rows, each split by what its requests sought without loss.
  const ds = t.data_sought ?? [];
  expect(ds.map((x) => [x.country, x.process_type, x.requests])).toEqual(
    pbc.map((x) => [x.country, x.process_type, x.requests]),
  );
  for (const x of ds) expect(x.content + x.non_content + x.basic_subscriber + x.nothing).toBe(x.requests);
  // Time to respond: each process type (and all together) splits into emergency and not without loss, and
  // its "both" row has the requests of the process x outcome matrix (the summary for all together).
  const rt = t.response_time ?? [];
  const rows = [
    ...t.process_outcome.map((p) => [p.process_type, p.requests] as const),
    [null, s.requests.count] as const,
  ];
  expect(rt).toHaveLength(rows.length * 3);
  for (const [p, requests] of rows) {
    const [both, em, other] = [null, true, false].map((e) =>
      rt.find((x) => x.process_type === p && x.emergency === e)!,
    );
    expect(both!.requests, String(p)).toBe(requests);
    expect(em!.requests + other!.requests).toBe(requests);
    expect(em!.responded + other!.responded).toBe(both!.responded);
    for (const x of [both!, em!, other!]) {
      expect(x.responded).toBeLessThanOrEqual(x.requests);
      expect(x.median_hours === null).toBe(x.responded === 0);
      if (x.median_hours !== null) expect(x.median_hours).toBeLessThanOrEqual(x.p90_hours!);
    }
  }
}

/** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
function percentileCont(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  return v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
}

describe('report tables reconcile with each other over random records', () => {
  it('holds for every table of 2015-H1 and of the year 2015', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbRequest, { maxLength: 60 }), async (rows) => {
        await load(rows);
        for (const period of ['2015-H1', '2015']) {
          const r = await computeReport(t.db, {
            period,
            provider: { name: 'Example Inc.' },
            nsOption: 'a2',
            publicationDate: '2016-01-31',
            now: NOW,
          });
          checkTables(r);
          // The headline counts every request of the period except national-security process and informal
          // requests, which are counted apart: headline + informal = all.
          const all = rows.filter((x) => {
            const at = x.received_at;
            return (
              at >= r.period.start &&
              at < `${r.period.end}T23:59:59.999Z` &&
              !BANDED_ONLY_PROCESS.includes(x.process_type)
            );
          });
          const headline = all.filter((x) => x.channel !== 'informal');
          const informal = all.filter((x) => x.channel === 'informal');
          expect(r.tables.summary.requests.count).toBe(headline.length);
          expect(r.tables.informal_requests?.requests).toBe(informal.length);
          expect(r.tables.summary.requests.count + r.tables.informal_requests!.requests).toBe(all.length);
          // Access modes as recorded (wiretaps and pen registers prospective when left empty).
          const modeOf = (x: (typeof headline)[number]) =>
            x.access_mode ?? (PROSPECTIVE_PROCESS.includes(x.process_type) ? 'prospective' : 'not_recorded');
          for (const m of ['stored', 'prospective', 'not_recorded'] as const)
            expect(sum((r.tables.access_mode ?? []).map((x) => x[m])), m).toBe(
              headline.filter((x) => modeOf(x) === m).length,
            );
          // Challenged in court: the headline requests with a challenge, by stage and result.
          expect(r.tables.pushback.court_challenges?.requests).toBe(
            headline.filter((x) => x.court_challenge).length,
          );
          for (const c of r.tables.pushback.court_challenges?.by_stage_result ?? [])
            expect(c.requests).toBe(
              headline.filter(
                (x) => x.court_challenge?.stage === c.stage && x.court_challenge.result === c.result,
              ).length,
            );
          // Takedowns are the section rule's takedowns; their items are each request's, or its identifiers.
          const takedowns = headline.filter(
            (x) =>
              sectionOf({
                process_type: x.process_type,
                case_class: null,
                demand_kind: x.demand_kind ?? 'disclose',
                emergency: x.emergency ?? false,
              }) === 'takedown',
          );
          expect(r.tables.takedown.requests).toBe(takedowns.length);
          expect(r.tables.summary.data_demands?.count).toBe(headline.length - takedowns.length);
          expect(r.tables.takedown.items).toBe(
            sum(
              takedowns.map(
                (x) => x.items_of_information ?? (x.accounts ?? []).length + (x.identifiers ?? []).length,
              ),
            ),
          );
          // A level not recorded is reported as such, never as "other".
          expect(r.tables.us_by_level.not_recorded?.requests).toBe(
            headline.filter((x) => x.agency.country === 'US' && x.agency.level === 'not_recorded').length,
          );
          // Answered history of the ended half-year without a notice column never reads as pending: the
          // even rows went in as history, and only rows without an outcome may still be pending.
          expect(r.tables.notice.pending).toBeLessThanOrEqual(
            rows.filter(
              (x, i) =>
                (i % 2 === 1 || !x.outcome) &&
                x.received_at >= r.period.start &&
                x.received_at < `${r.period.end}T23:59:59.999Z` &&
                !BANDED_ONLY_PROCESS.includes(x.process_type) &&
                x.channel !== 'informal',
            ).length,
          );
          // Content sought is read from data_sought, whatever else the request asked for.
          expect(sum((r.tables.data_sought ?? []).map((x) => x.content))).toBe(
            headline.filter((x) => x.data_sought?.includes('content')).length,
          );
          // Time to respond over every headline request answered, emergency and not.
          for (const e of [null, true, false]) {
            const answered = headline
              .filter(
                (x) =>
                  x.outcome &&
                  x.responded_at &&
                  (e === null || (x.emergency || x.process_type === 'emergency_request') === e),
              )
              .map((x) => (Date.parse(x.responded_at!) - Date.parse(x.received_at)) / 3_600_000);
            const row = r.tables.response_time?.find((x) => x.process_type === null && x.emergency === e);
            expect(row?.responded).toBe(answered.length);
            for (const [q, got] of [
              [0.5, row?.median_hours],
              [0.9, row?.p90_hours],
            ] as const) {
              const want = percentileCont(answered, q);
              if (want === null) expect(got).toBeNull();
              else expect(got).toBeCloseTo(want, 1);
            }
          }
          expect(sum((r.tables.data_sought ?? []).map((x) => x.nothing))).toBe(
            headline.filter((x) => (x.data_sought ?? []).length === 0).length,
          );
        }
      }),
      { numRuns: 15 },
    );
  });
});
