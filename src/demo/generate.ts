import type { PolicyConfig } from '../domain/policy-config.ts';
import type { ValidRequest } from '../domain/request-input.ts';
import { countryWeights, drawCountries, TWILIO_2015_H1, twilioCountries } from './agencies.ts';
import { FIRST_PERIOD, type Period, periodsUntil, toMs } from './calendar.ts';
import type { Draft } from './draft-parts.ts';
import { draft } from './draft.ts';
import { informalRequests, processFacts } from './draft-process.ts';
import { contentFacts } from './draft-content.ts';
import { assignAccounts, finish } from './finish.ts';
import { accountSid, Rng } from './rng.ts';

/**
 * A deterministic, synthetic request history for demos, screenshots and benchmarks: 2015-H1 reproduces
 * Twilio's first transparency report exactly (268 requests, 118 accounts, 222 US, 46 international by
 * country; NSLs and FISA orders come on top, as they did in bands), later half-years grow by 8-15 % each with the legal landscape of their time (the Rosenstein memo,
 * the UK and AU executive agreements, the DSA, e-Evidence). All agencies are real institutions but every
 * case, person, phone number (fictional 555-01xx / drama ranges) and account SID is invented.
 */

export interface DemoOptions {
  /** PRNG seed; the same seed always gives the same history. */
  seed?: number;
  /** Last half-year to generate, e.g. `2026-H2`. */
  until?: string;
  /** Nothing is received, answered or acknowledged after this instant; default: the end of `until`. */
  now?: string | Date;
  /**
   * Make the history end as a team that kept up with its work would leave it under this policy: every
   * request whose response target falls before `now` + KEPT_UP_AHEAD_MS answered by then, held notices whose
   * emergency delay ran out sent, notices owed after an order ended sent. (`candor demo` sets it, so the due
   * view starts with nothing overdue and nothing about to fall due; without it the history is as drawn.)
   */
  keptUp?: PolicyConfig;
}

/** The first half-year with UK Investigatory Powers Act orders in the demo. */
const FOREIGN_NS_FROM = Date.parse('2019-01-01T00:00:00Z');

/** Generates the demo history from 2015-H1 to `until`, ordered by received_at. */
export function generateDemo(options: DemoOptions = {}): ValidRequest[] {
  const { seed = 2015, until = '2026-H2' } = options;
  const periods = periodsUntil(until);
  const last = periods[periods.length - 1] as Period;
  const now = options.now === undefined ? last.end - 1 : toMs(options.now);
  const rng = new Rng(seed);
  // Foreign national-security orders draw from their own stream, so the rest of the history is the same
  // request for request as before they were generated (figures quoted in docs and tests stay true).
  const foreignNsRng = new Rng(seed + 19);
  // So do the facts of issue 16.2 (informal requests, access mode, court challenges).
  const processRng = new Rng(seed + 16);
  // And the content-demand facts of issues 16.1 and 19.8 (restriction basis, DSA keyword, state actors).
  const contentRng = new Rng(seed + 23);
  const out: ValidRequest[] = [];
  let previousPool: string[] = [];
  let count: number = TWILIO_2015_H1.requests;

  for (const period of periods) {
    if (period.label !== FIRST_PERIOD) count = Math.round(count * (1.08 + rng.next() * 0.07));
    if (period.start > now) break;
    const first = period.label === FIRST_PERIOD;
    const countries = first ? twilioCountries(rng) : drawCountries(rng, period, count);
    const ns = first ? { nsl: 2, fisa: 1 } : { nsl: rng.int(0, 3), fisa: rng.int(0, 2) };
    const within = () => period.start + Math.floor(rng.next() * (period.end - period.start));

    // `count` requests for the headline; national-security process on top (it is only ever banded).
    const drafts = countries.map((country) => draft(rng, country, within(), undefined, first));
    const nsDrafts = Array.from({ length: ns.nsl + ns.fisa }, (_, i) =>
      draft(rng, 'US', within(), i < ns.nsl ? 'nsl' : 'fisa', first),
    );

    // Accounts: a pool sized to the period (exactly 118 in 2015-H1), some of them customers seen before.
    const poolSize = first ? TWILIO_2015_H1.accounts : Math.round(count * (0.42 + rng.next() * 0.12));
    const reused = first ? 0 : Math.min(previousPool.length, Math.round(poolSize * 0.15));
    const pool = [...rng.sample(previousPool, reused)];
    while (pool.length < poolSize) pool.push(accountSid(rng));
    assignAccounts(rng, drafts, pool);
    previousPool = pool;
    // National-security targets are accounts of their own, so the headline's distinct accounts stay exact.
    for (const d of nsDrafts) d.accountsAssigned = Array.from({ length: d.slots }, () => accountSid(rng));
    drafts.push(...nsDrafts);

    drafts.sort((a, b) => a.at - b.at);
    const tag = period.label.replace('-', '');
    const made: Array<{ at: number; request: ValidRequest }> = [];
    drafts.forEach((d, i) => {
      if (d.at > now) return;
      made.push({
        at: d.at,
        request: finish(rng, d, `DEMO-${tag}-${String(i + 1).padStart(4, '0')}`, now, options.keptUp),
      });
    });
    // UK Investigatory Powers Act orders since 2019: a few a half-year, only ever banded if reported at all.
    if (period.start >= FOREIGN_NS_FROM) {
      const fr = foreignNsRng;
      const within = () => period.start + Math.floor(fr.next() * (period.end - period.start));
      const foreign: Draft[] = Array.from({ length: fr.int(1, 3) }, () =>
        draft(fr, 'GB', within(), 'foreign_ns', false),
      );
      foreign.sort((a, b) => a.at - b.at);
      foreign.forEach((d, i) => {
        d.accountsAssigned = Array.from({ length: Math.max(1, d.slots) }, () => accountSid(fr));
        if (d.at > now) return;
        made.push({
          at: d.at,
          request: finish(fr, d, `DEMO-${tag}-9${String(i + 1).padStart(4, '0')}`, now, options.keptUp),
        });
      });
    }
    for (const m of made) m.request = processFacts(processRng, m.request, now);
    made.push(...informalRequests(processRng, period, tag, now));
    for (const m of made) m.request = contentFacts(contentRng, m.request);
    made.sort((a, b) => a.at - b.at);
    for (const m of made) out.push(m.request);
  }
  return out;
}

/**
 * An endless-looking but bounded stream of valid demo requests for load tests: the same per-request model as
 * generateDemo without its per-period bookkeeping (no exact 2015 figures, accounts drawn from a fixed pool),
 * so it runs in constant memory. external_ref is `BENCH-<seed>-<n>`, unique within the stream.
 */
export function* demoStream(options: {
  seed?: number;
  rows: number;
  until?: string;
}): Generator<ValidRequest> {
  const { seed = 2015, rows, until = '2026-H2' } = options;
  const periods = periodsUntil(until);
  const now = (periods[periods.length - 1] as Period).end - 1;
  const rng = new Rng(seed);
  // Later half-years are busier, as in generateDemo (about 11.5 % growth a half-year).
  const cumulative: number[] = [];
  let total = 0;
  periods.forEach((_, i) => cumulative.push((total += 1.115 ** i)));
  const pool = Array.from({ length: 20_000 }, () => accountSid(rng));
  const width = String(rows).length;
  for (let n = 1; n <= rows; n++) {
    const x = rng.next() * total;
    let i = 0;
    while ((cumulative[i] as number) < x) i++;
    const period = periods[i] as Period;
    const at = period.start + Math.floor(rng.next() * (period.end - period.start));
    const country = rng.weighted(countryWeights(period));
    const d = draft(
      rng,
      country,
      at,
      rng.chance(0.002) ? rng.pick(['nsl', 'fisa'] as const) : undefined,
      false,
    );
    const picked: string[] = [];
    for (let k = 0; k < d.slots; k++) picked.push(rng.pick(pool));
    d.accountsAssigned = [...new Set(picked)];
    yield finish(rng, d, `BENCH-${seed}-${String(n).padStart(width, '0')}`, now);
  }
}
