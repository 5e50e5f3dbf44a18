import { responseDueAt } from './deadlines.ts';
import { emergencyNoticeDueAt } from './emergency.ts';
import type { PolicyConfig } from './policy-config.ts';
import { inHeadline, sectionOf } from './report-sections.ts';
import type { ValidRequest } from './request-input.ts';
import {
  DSA_CATEGORIES,
  type AgencyKind,
  type AgencyLevel,
  type DataSought,
  type DeliveryMethod,
  type DsaCategory,
  type NoticeStatus,
  type Outcome,
  type ProcessType,
} from './vocabulary.ts';

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

/**
 * How far ahead of `now` a team that kept up has done its work: nothing falls due in the demo's first hours, so
 * its due view does not change by itself while someone looks at it — but for a notice whose emergency delay runs
 * out in them, which may not be sent a moment before.
 */
export const KEPT_UP_AHEAD_MS = 2 * 3_600_000;

/**
 * Twilio's report for 2015-01-01 .. 2015-06-30, which the first demo half-year reproduces. These are the
 * headline figures: every request except national-security process (emergency, preservation and takedown
 * requests included). The half-year's NSLs and FISA orders come on top of them, with accounts of their own,
 * since a report publishes those only in bands.
 */
export const TWILIO_2015_H1 = {
  requests: 268,
  accounts: 118,
  us: 222,
  international: { CA: 22, AT: 1, BH: 1, BE: 4, FR: 1, DE: 1, IT: 3, NO: 2, PT: 1, CH: 4, AU: 4, JP: 2 },
} as const;

const FIRST_PERIOD = '2015-H1';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const UK_AGREEMENT = Date.parse('2022-10-03T00:00:00Z');
const AU_AGREEMENT = Date.parse('2024-01-31T00:00:00Z');
const DSA_APPLIES = Date.parse('2024-02-17T00:00:00Z');
const E_EVIDENCE_APPLIES = Date.parse('2026-08-18T00:00:00Z');
const ROSENSTEIN_MEMO = Date.parse('2017-10-19T00:00:00Z');

/** Generates the demo history from 2015-H1 to `until`, ordered by received_at. */
export function generateDemo(options: DemoOptions = {}): ValidRequest[] {
  const { seed = 2015, until = '2026-H2' } = options;
  const periods = periodsUntil(until);
  const last = periods[periods.length - 1] as Period;
  const now = options.now === undefined ? last.end - 1 : toMs(options.now);
  const rng = new Rng(seed);
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
    drafts.forEach((d, i) => {
      if (d.at > now) return;
      out.push(finish(rng, d, `DEMO-${tag}-${String(i + 1).padStart(4, '0')}`, now, options.keptUp));
    });
  }
  return out;
}

/** A half-year of the demo as its report counts it: national-security requests only in their own column. */
export interface DemoPeriodSummary {
  period: string;
  /** Every request but national-security process (the report's headline). */
  requests: number;
  /** Distinct account identifiers named (accounts and identifiers resolved to an account). */
  accounts: number;
  us: number;
  international: number;
  emergency: number;
  preservation: number;
  takedown: number;
  national_security: number;
  eu_orders: number;
  /** Still in process (no outcome yet). */
  open: number;
}

/** Counts per half-year, in period order (what `candor demo` prints). */
export function demoSummary(requests: readonly ValidRequest[]): DemoPeriodSummary[] {
  const byPeriod = new Map<string, { row: DemoPeriodSummary; accounts: Set<string> }>();
  for (const r of requests) {
    const period = periodOf(r.received_at);
    let entry = byPeriod.get(period);
    if (!entry) {
      entry = {
        row: {
          period,
          requests: 0,
          accounts: 0,
          us: 0,
          international: 0,
          emergency: 0,
          preservation: 0,
          takedown: 0,
          national_security: 0,
          eu_orders: 0,
          open: 0,
        },
        accounts: new Set(),
      };
      byPeriod.set(period, entry);
    }
    const { row, accounts } = entry;
    const section = sectionOf({
      process_type: r.process_type,
      case_class: r.case_class ?? null,
      demand_kind: r.demand_kind ?? 'disclose',
      emergency: r.emergency,
    });
    if (!inHeadline(section)) {
      row.national_security++;
      continue;
    }
    row.requests++;
    for (const a of accountsOf(r)) accounts.add(a);
    if (r.agency.country === 'US') row.us++;
    else row.international++;
    if (r.emergency) row.emergency++;
    if (r.demand_kind === 'preserve') row.preservation++;
    if (r.demand_kind === 'restrict_content' || r.demand_kind === 'restrict_account') row.takedown++;
    if (r.channel === 'dsa_art_9' || r.channel === 'dsa_art_10' || r.channel === 'eu_e_evidence')
      row.eu_orders++;
    if (!r.outcome) row.open++;
  }
  return [...byPeriod.values()]
    .map(({ row, accounts }) => ({ ...row, accounts: accounts.size }))
    .sort((a, b) => a.period.localeCompare(b.period));
}

/** The distinct account identifiers a request names, directly or through a resolved identifier. */
export function accountsOf(r: ValidRequest): string[] {
  const set = new Set(r.accounts);
  for (const i of r.identifiers) if (i.account) set.add(i.account);
  return [...set];
}

/** The half-year (`2015-H1`) an ISO instant falls in, in UTC. */
export function periodOf(instant: string): string {
  const d = new Date(instant);
  return `${d.getUTCFullYear()}-H${d.getUTCMonth() < 6 ? 1 : 2}`;
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

// ---- periods ---------------------------------------------------------------------------------------------

interface Period {
  label: string;
  start: number;
  end: number;
}

function periodsUntil(until: string): Period[] {
  const m = /^(\d{4})-H([12])$/.exec(until);
  if (!m || until < FIRST_PERIOD)
    throw new RangeError(`until must be a half-year from ${FIRST_PERIOD}: ${until}`);
  const lastYear = Number(m[1]);
  const lastHalf = Number(m[2]);
  const out: Period[] = [];
  for (let year = 2015; year <= lastYear; year++) {
    for (const half of [1, 2]) {
      if (year === lastYear && half > lastHalf) break;
      out.push({
        label: `${year}-H${half}`,
        start: Date.UTC(year, half === 1 ? 0 : 6, 1),
        end: half === 1 ? Date.UTC(year, 6, 1) : Date.UTC(year + 1, 0, 1),
      });
    }
  }
  return out;
}

function toMs(t: string | Date): number {
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`now is not a date: ${String(t)}`);
  return ms;
}

// ---- PRNG ------------------------------------------------------------------------------------------------

/** mulberry32: tiny, fast and good enough for synthetic data; never Math.random, so output is reproducible. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T extends string>(weights: Readonly<Partial<Record<T, number>>>): T {
    // Two passes over the keys rather than Object.entries: this runs several times per generated row.
    let total = 0;
    for (const key in weights) total += weights[key] as number;
    let x = this.next() * total;
    let last = '' as T;
    for (const key in weights) {
      last = key;
      if ((x -= weights[key] as number) < 0) return key;
    }
    return last;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle([...items]).slice(0, n);
  }
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += ((this.next() * 4_294_967_296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
}

const accountSid = (rng: Rng) => `AC${rng.hex(32)}`;

// ---- who asks --------------------------------------------------------------------------------------------

interface Agency {
  name: string;
  kind: AgencyKind;
  level: AgencyLevel;
  subdivision?: string;
}

const US_FEDERAL: Agency[] = [
  { name: 'Federal Bureau of Investigation', kind: 'law_enforcement', level: 'federal' },
  { name: 'Drug Enforcement Administration', kind: 'law_enforcement', level: 'federal' },
  { name: 'Homeland Security Investigations', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Secret Service', kind: 'law_enforcement', level: 'federal' },
  { name: 'IRS Criminal Investigation', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Postal Inspection Service', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Marshals Service', kind: 'law_enforcement', level: 'federal' },
  {
    name: "U.S. Attorney's Office, Southern District of New York",
    kind: 'law_enforcement',
    level: 'federal',
  },
];
const US_REGULATORS: Agency[] = [
  { name: 'Federal Trade Commission', kind: 'regulator', level: 'federal' },
  { name: 'Securities and Exchange Commission', kind: 'regulator', level: 'federal' },
  { name: 'Washington State Attorney General', kind: 'regulator', level: 'state', subdivision: 'US-WA' },
  { name: 'Massachusetts Attorney General', kind: 'regulator', level: 'state', subdivision: 'US-MA' },
  {
    name: 'Texas Attorney General, Consumer Protection Division',
    kind: 'regulator',
    level: 'state',
    subdivision: 'US-TX',
  },
];
const US_STATE: Agency[] = [
  { name: 'California Department of Justice', kind: 'law_enforcement', level: 'state', subdivision: 'US-CA' },
  { name: 'New York State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-NY' },
  {
    name: 'Texas Department of Public Safety',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-TX',
  },
  {
    name: 'Florida Department of Law Enforcement',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-FL',
  },
  { name: 'Illinois State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-IL' },
  { name: 'Pennsylvania State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-PA' },
  { name: 'Georgia Bureau of Investigation', kind: 'law_enforcement', level: 'state', subdivision: 'US-GA' },
  {
    name: 'Ohio Bureau of Criminal Investigation',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-OH',
  },
];
const US_LOCAL: Agency[] = [
  {
    name: 'New York County District Attorney',
    kind: 'law_enforcement',
    level: 'local',
    subdivision: 'US-NY',
  },
  { name: 'Kings County District Attorney', kind: 'law_enforcement', level: 'local', subdivision: 'US-NY' },
  { name: 'Los Angeles Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CA' },
  { name: 'San Francisco Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CA' },
  { name: 'Chicago Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-IL' },
  { name: "Harris County Sheriff's Office", kind: 'law_enforcement', level: 'local', subdivision: 'US-TX' },
  { name: 'Miami-Dade Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-FL' },
  { name: 'Seattle Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-WA' },
  {
    name: "King County Prosecuting Attorney's Office",
    kind: 'law_enforcement',
    level: 'local',
    subdivision: 'US-WA',
  },
  { name: 'Philadelphia Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-PA' },
  { name: "Maricopa County Sheriff's Office", kind: 'law_enforcement', level: 'local', subdivision: 'US-AZ' },
  { name: 'Denver Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CO' },
  { name: 'Atlanta Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-GA' },
  { name: 'Boston Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-MA' },
];
const US_CIVIL_COURTS: Agency[] = [
  { name: 'U.S. District Court for the District of Delaware', kind: 'court', level: 'federal' },
  { name: 'U.S. District Court for the Northern District of California', kind: 'court', level: 'federal' },
  {
    name: 'Superior Court of California, County of San Francisco',
    kind: 'court',
    level: 'state',
    subdivision: 'US-CA',
  },
  {
    name: 'Supreme Court of the State of New York, New York County',
    kind: 'court',
    level: 'state',
    subdivision: 'US-NY',
  },
];
const FEDERAL_COURTS = [
  'U.S. District Court for the Southern District of New York',
  'U.S. District Court for the Northern District of California',
  'U.S. District Court for the Central District of California',
  'U.S. District Court for the Eastern District of Virginia',
  'U.S. District Court for the District of Columbia',
  'U.S. District Court for the Northern District of Illinois',
  'U.S. District Court for the Southern District of Texas',
  'U.S. District Court for the District of Massachusetts',
];
const STATE_COURTS: Record<string, string> = {
  'US-CA': 'Superior Court of California',
  'US-NY': 'Supreme Court of the State of New York',
  'US-TX': 'Texas District Court',
  'US-FL': 'Florida Circuit Court',
  'US-IL': 'Circuit Court of Cook County',
  'US-WA': 'King County Superior Court',
  'US-PA': 'Court of Common Pleas of Philadelphia County',
  'US-GA': 'Superior Court of Fulton County',
  'US-OH': 'Court of Common Pleas of Franklin County',
  'US-AZ': 'Superior Court of Arizona, Maricopa County',
  'US-CO': 'Denver District Court',
  'US-MA': 'Massachusetts Superior Court',
};

interface Foreign {
  agencies: Agency[];
  /** Domestic law the country's own orders cite. */
  law?: string;
  /** A fictional number pattern; each x is a random digit. */
  phone: string;
}
const national = (name: string, kind: AgencyKind = 'law_enforcement'): Agency => ({
  name,
  kind,
  level: 'national',
});
const FOREIGN: Record<string, Foreign> = {
  CA: {
    agencies: [
      { name: 'Royal Canadian Mounted Police', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'Ontario Provincial Police',
        kind: 'law_enforcement',
        level: 'provincial',
        subdivision: 'CA-ON',
      },
      { name: 'Toronto Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'CA-ON' },
      { name: 'Sûreté du Québec', kind: 'law_enforcement', level: 'provincial', subdivision: 'CA-QC' },
      { name: 'Vancouver Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'CA-BC' },
      { name: 'Calgary Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'CA-AB' },
    ],
    law: 'Criminal Code (Canada), s. 487.014 (production order)',
    phone: '+141655501xx',
  },
  GB: {
    agencies: [
      national('National Crime Agency'),
      { name: 'Metropolitan Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'GB-LND' },
      { name: 'Police Scotland', kind: 'law_enforcement', level: 'national', subdivision: 'GB-SCT' },
    ],
    law: 'Investigatory Powers Act 2016, Part 3',
    phone: '+447700900xxx',
  },
  AU: {
    agencies: [
      { name: 'Australian Federal Police', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'New South Wales Police Force',
        kind: 'law_enforcement',
        level: 'state',
        subdivision: 'AU-NSW',
      },
      { name: 'Victoria Police', kind: 'law_enforcement', level: 'state', subdivision: 'AU-VIC' },
    ],
    law: 'Telecommunications (Interception and Access) Act 1979',
    phone: '+61491570xxx',
  },
  AT: {
    agencies: [
      national('Bundeskriminalamt (Österreich)'),
      { name: 'Landespolizeidirektion Wien', kind: 'law_enforcement', level: 'state', subdivision: 'AT-9' },
    ],
    law: 'Strafprozessordnung 1975, § 76a',
    phone: '+43555xxxxxx',
  },
  BH: { agencies: [national('Ministry of Interior, Cyber Crime Directorate')], phone: '+973555xxxxxx' },
  BE: {
    agencies: [national('Federal Computer Crime Unit'), national('Parquet fédéral')],
    law: "Code d'instruction criminelle, art. 46bis",
    phone: '+32555xxxxxx',
  },
  FR: {
    agencies: [national('Police nationale'), national('Gendarmerie nationale'), national('Parquet de Paris')],
    law: 'Code de procédure pénale, art. 60-1',
    phone: '+33555xxxxxx',
  },
  DE: {
    agencies: [
      { name: 'Bundeskriminalamt', kind: 'law_enforcement', level: 'federal' },
      { name: 'Landeskriminalamt Berlin', kind: 'law_enforcement', level: 'state', subdivision: 'DE-BE' },
      { name: 'Staatsanwaltschaft München I', kind: 'law_enforcement', level: 'state', subdivision: 'DE-BY' },
    ],
    law: 'Strafprozessordnung, § 100j',
    phone: '+49555xxxxxx',
  },
  IT: {
    agencies: [national('Polizia Postale e delle Comunicazioni'), national('Guardia di Finanza')],
    law: 'Codice di procedura penale, art. 256',
    phone: '+39555xxxxxx',
  },
  NO: {
    agencies: [
      national('Kripos'),
      { name: 'Oslo Police District', kind: 'law_enforcement', level: 'local', subdivision: 'NO-03' },
    ],
    law: 'Straffeprosessloven, § 210',
    phone: '+47555xxxxxx',
  },
  PT: {
    agencies: [national('Polícia Judiciária')],
    law: 'Lei do Cibercrime, art. 14.º',
    phone: '+351555xxxxxx',
  },
  CH: {
    agencies: [
      { name: 'Federal Office of Police (fedpol)', kind: 'law_enforcement', level: 'federal' },
      { name: 'Kantonspolizei Zürich', kind: 'law_enforcement', level: 'state', subdivision: 'CH-ZH' },
    ],
    law: 'Strafprozessordnung, Art. 265',
    phone: '+41555xxxxxx',
  },
  JP: {
    agencies: [
      national('National Police Agency'),
      {
        name: 'Tokyo Metropolitan Police Department',
        kind: 'law_enforcement',
        level: 'local',
        subdivision: 'JP-13',
      },
    ],
    law: 'Code of Criminal Procedure, art. 197(2)',
    phone: '+81555xxxxxx',
  },
  NL: {
    agencies: [national('Politie Nederland')],
    law: 'Wetboek van Strafvordering, art. 126na',
    phone: '+31555xxxxxx',
  },
  ES: { agencies: [national('Guardia Civil'), national('Policía Nacional')], phone: '+34555xxxxxx' },
  IE: { agencies: [national('An Garda Síochána')], phone: '+353555xxxxxx' },
  PL: { agencies: [national('Centralne Biuro Zwalczania Cyberprzestępczości')], phone: '+48555xxxxxx' },
  SE: { agencies: [national('Polismyndigheten')], phone: '+46555xxxxxx' },
  DK: { agencies: [national('Rigspolitiet')], phone: '+45555xxxxxx' },
  IN: {
    agencies: [
      { name: 'Central Bureau of Investigation', kind: 'law_enforcement', level: 'federal' },
      { name: 'Delhi Police', kind: 'law_enforcement', level: 'state', subdivision: 'IN-DL' },
    ],
    law: 'Bharatiya Nagarik Suraksha Sanhita, s. 94',
    phone: '+91555xxxxxx',
  },
  BR: {
    agencies: [
      { name: 'Polícia Federal', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'Polícia Civil do Estado de São Paulo',
        kind: 'law_enforcement',
        level: 'state',
        subdivision: 'BR-SP',
      },
    ],
    law: 'Marco Civil da Internet, art. 22',
    phone: '+55555xxxxxx',
  },
  MX: {
    agencies: [{ name: 'Fiscalía General de la República', kind: 'law_enforcement', level: 'federal' }],
    phone: '+52555xxxxxx',
  },
  SG: { agencies: [national('Singapore Police Force')], phone: '+65555xxxxxx' },
  NZ: { agencies: [national('New Zealand Police')], phone: '+64555xxxxxx' },
  IL: { agencies: [national('Israel Police')], phone: '+972555xxxxxx' },
};
/** Categories an authority's order can carry, for the occasional unusual one (not the notice-only ones). */
const RARE_DSA_CATEGORIES = DSA_CATEGORIES.filter((c) => !c.endsWith('_NOTICE') && !c.endsWith('_TC'));
const EU = ['AT', 'BE', 'DE', 'DK', 'ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'PT', 'SE'];
/** Regulators acting as DSA Art. 9 / 10 authorities beside the police. */
const EU_REGULATORS: Record<string, Agency> = {
  IE: national('Coimisiún na Meán', 'regulator'),
  DE: national('Bundesnetzagentur', 'regulator'),
  FR: national('Arcom', 'regulator'),
  NL: national('Autoriteit Consument & Markt', 'regulator'),
  IT: national('Autorità per le Garanzie nelle Comunicazioni', 'regulator'),
};

/** 2015-H1 exactly as Twilio published it, in random order. */
function twilioCountries(rng: Rng): string[] {
  const list: string[] = Array.from({ length: TWILIO_2015_H1.us }, () => 'US');
  for (const [country, n] of Object.entries(TWILIO_2015_H1.international)) {
    for (let i = 0; i < n; i++) list.push(country);
  }
  return rng.shuffle(list);
}

/** Later half-years: the US share falls from about 83 % as Europe (DSA, e-Evidence) and the UK grow. */
function drawCountries(rng: Rng, period: Period, n: number): string[] {
  const weights = countryWeights(period);
  return Array.from({ length: n }, () => rng.weighted(weights));
}

const countryWeightCache = new Map<string, Record<string, number>>();

function countryWeights(period: Period): Record<string, number> {
  const cached = countryWeightCache.get(period.label);
  if (cached) return cached;
  const years = (period.start - Date.UTC(2015, 0, 1)) / (365.25 * DAY);
  const eu = period.end > DSA_APPLIES ? 1.8 : 1;
  const weights: Record<string, number> = {
    US: 130 - years * 3,
    CA: 8,
    GB: period.end > UK_AGREEMENT ? 6 : 3.5,
    AU: period.end > AU_AGREEMENT ? 3.5 : 2,
    DE: 2.5 * eu,
    FR: 2 * eu,
    IT: 1.2 * eu,
    BE: 1.2 * eu,
    NL: 1 * eu,
    ES: 0.9 * eu,
    IE: 0.7 * eu,
    PL: 0.6 * eu,
    SE: 0.5 * eu,
    AT: 0.4 * eu,
    PT: 0.4 * eu,
    DK: 0.3 * eu,
    CH: 1,
    NO: 0.5,
    JP: 0.7,
    IN: 0.5 + years * 0.12,
    BR: 0.5 + years * 0.1,
    MX: 0.4,
    SG: 0.3,
    NZ: 0.3,
    IL: 0.3,
    BH: 0.1,
  };
  countryWeightCache.set(period.label, weights);
  return weights;
}

// ---- what they ask ---------------------------------------------------------------------------------------

type Special = 'nsl' | 'fisa';

interface Draft {
  at: number;
  country: string;
  agency: Agency;
  issuer?: string;
  requesterClass: 'government' | 'civil_litigant';
  channel: ValidRequest['channel'];
  process: ProcessType;
  legal?: string;
  caseClass: NonNullable<ValidRequest['case_class']>;
  emergencyBasis?: string;
  demand: NonNullable<ValidRequest['demand_kind']>;
  dataSought: DataSought[];
  items?: number;
  dsaCategory?: DsaCategory;
  /** Hours from receipt to acknowledgement / to effect (EU orders). */
  ackHours?: number;
  effectHours?: number;
  /** Days from receipt to the response. */
  responseDays: number;
  outcome: Outcome;
  ndo?: NonNullable<ValidRequest['ndo']>;
  delivered: DeliveryMethod;
  /** How many account slots the request names (0 = its identifiers matched no account). */
  slots: number;
  accountsAssigned: string[];
  notes?: string;
}

const EMERGENCY_BASES = [
  'Caller threatened suicide during a live call; welfare check in progress',
  'Reported kidnapping; suspect using the number to demand ransom',
  'Bomb threat sent by SMS to a school; evacuation under way',
  'Missing child; last contact was from the number in question',
  'Active threat to shoot a named person, sent by text message',
  'Domestic violence victim held against her will, per a 911 call',
  'Threat of imminent violence against hospital staff',
];
const NOTES = [
  'Narrowed to subscriber information after review.',
  'Agency asked to re-serve the correct legal entity.',
  'Customer informed under the notice policy.',
  'Follow-up legal process received.',
  'Identifiers did not match any account; agency informed.',
  'Clarification requested on the time range; agency answered.',
];
const NDO_GROUNDS = { jeopardize: 50, evidence: 20, flight: 13, witnesses: 9, endanger_life: 8 } as const;

function usAgency(rng: Rng): Agency {
  const level = rng.weighted({ federal: 40, state: 22, local: 38 });
  return rng.pick(level === 'federal' ? US_FEDERAL : level === 'state' ? US_STATE : US_LOCAL);
}

function courtFor(rng: Rng, agency: Agency): string {
  if (agency.level === 'federal' || !agency.subdivision) return rng.pick(FEDERAL_COURTS);
  return STATE_COURTS[agency.subdivision] ?? rng.pick(FEDERAL_COURTS);
}

function delivery(rng: Rng, at: number, channel: ValidRequest['channel']): DeliveryMethod {
  if (channel === 'eu_e_evidence') return 'api';
  const year = new Date(at).getUTCFullYear();
  const portal = year < 2018 ? 0 : (year - 2017) * 7;
  return rng.weighted({
    email: 45,
    mail: 25 - Math.min(15, portal / 3),
    fax: year < 2020 ? 12 : 3,
    in_person: 4,
    portal,
  });
}

/** A 2705(b) order, mostly a year or less after the Rosenstein memo and often indefinite before it. */
function ndo2705b(rng: Rng, at: number, court: string): NonNullable<ValidRequest['ndo']> {
  const issued = at - rng.int(0, 5) * DAY - rng.int(1, 8) * HOUR;
  const indefinite = rng.chance(at < ROSENSTEIN_MEMO ? 0.4 : 0.08);
  const days = at < ROSENSTEIN_MEMO ? rng.pick([180, 365, 730]) : rng.pick([90, 180, 365, 365, 365]);
  return {
    authority: 'sca_2705b',
    issuing_court: court,
    issued_at: iso(issued),
    expires_at: indefinite ? null : iso(issued + days * DAY),
    ground: rng.weighted(NDO_GROUNDS),
  };
}

/** Decides who asks, by which process and for what; targets and timing are filled in by `finish`. */
function draft(
  rng: Rng,
  country: string,
  at: number,
  special: Special | undefined,
  first2015: boolean,
): Draft {
  const slots = rng.chance(0.8) ? 1 : rng.int(2, 3);
  // Every draft is built with the same properties in the same order (no object spread): this runs once per
  // generated row, and one object shape keeps it fast.
  const d: Make = (f) => {
    const out: Draft = {
      at,
      country,
      agency: f.agency,
      issuer: f.issuer,
      requesterClass: f.requesterClass ?? 'government',
      channel: f.channel ?? 'domestic',
      process: f.process,
      legal: f.legal,
      caseClass: f.caseClass ?? 'criminal',
      emergencyBasis: f.emergencyBasis,
      demand: f.demand ?? 'disclose',
      dataSought: f.dataSought,
      items: f.items,
      dsaCategory: f.dsaCategory,
      ackHours: f.ackHours,
      effectHours: f.effectHours,
      responseDays: f.responseDays,
      outcome: f.outcome,
      ndo: f.ndo,
      delivered: 'email',
      slots: f.outcome === 'no_data' ? 0 : (f.slots ?? slots),
      accountsAssigned: [],
      notes: f.notes,
    };
    out.delivered = delivery(rng, at, out.channel);
    if (!out.notes && rng.chance(0.06)) out.notes = rng.pick(NOTES);
    return out;
  };

  if (special === 'nsl') {
    return d({
      agency: US_FEDERAL[0] as Agency,
      issuer: 'Federal Bureau of Investigation (field office SAC)',
      process: 'national_security_letter',
      legal: '18 U.S.C. 2709',
      caseClass: 'national_security',
      dataSought: ['basic_subscriber'],
      responseDays: rng.int(5, 20),
      outcome: rng.chance(0.85) ? 'non_content_produced' : 'no_data',
      ndo: {
        authority: 'nsl_2709c',
        issued_at: iso(at - rng.int(1, 3) * DAY),
        expires_at: rng.chance(0.8) ? null : iso(at + 3 * 365 * DAY),
      },
    });
  }
  if (special === 'fisa') {
    const content = !first2015 && rng.chance(0.5);
    return d({
      agency: rng.chance(0.7)
        ? (US_FEDERAL[0] as Agency)
        : { name: 'National Security Agency', kind: 'intelligence', level: 'federal' },
      issuer: 'Foreign Intelligence Surveillance Court',
      process: content ? 'fisa_content_order' : 'fisa_non_content_order',
      legal: content ? '50 U.S.C. 1881a' : '50 U.S.C. 1842',
      caseClass: 'national_security',
      dataSought: content ? ['content'] : ['non_content'],
      responseDays: rng.int(3, 15),
      outcome: content ? 'content_produced' : 'non_content_produced',
      ndo: {
        authority: 'fisa',
        issuing_court: 'Foreign Intelligence Surveillance Court',
        issued_at: iso(at - rng.int(1, 10) * DAY),
        expires_at: rng.chance(0.9) ? null : iso(at + 2 * 365 * DAY),
      },
    });
  }
  return country === 'US' ? draftUs(rng, at, first2015, d) : draftForeign(rng, country, at, d);
}

type Make = (
  fields: Omit<
    Draft,
    | 'at'
    | 'country'
    | 'requesterClass'
    | 'channel'
    | 'caseClass'
    | 'demand'
    | 'slots'
    | 'accountsAssigned'
    | 'delivered'
  > &
    Partial<Pick<Draft, 'requesterClass' | 'channel' | 'caseClass' | 'demand' | 'slots'>>,
) => Draft;

function draftUs(rng: Rng, at: number, first2015: boolean, d: Make): Draft {
  const later = !first2015 && at >= Date.UTC(2016, 0, 1);
  const years = (at - Date.UTC(2015, 0, 1)) / (365.25 * DAY);
  const process = rng.weighted<ProcessType>({
    subpoena: 27 - years,
    grand_jury_subpoena: 20,
    court_order: later ? 4 : 10,
    court_order_2703d: later ? 6 : 0,
    search_warrant: 14 + years * 0.8,
    civil_investigative_demand: 2,
    administrative_subpoena: later ? 3 : 0,
    civil_subpoena: later ? 2 : 0,
    emergency_request: 9 + years * 0.4,
    preservation_request: 9,
    takedown_request: 1.5,
    pen_register_order: later && at >= Date.UTC(2017, 0, 1) ? 1 : 0,
    wiretap_order: later && at >= Date.UTC(2019, 0, 1) ? 0.3 : 0,
  });
  const agency = usAgency(rng);
  const court = courtFor(rng, agency);
  const produced = (p: number): Outcome =>
    rng.weighted<Outcome>({
      non_content_produced: p,
      rejected: 12,
      withdrawn_after_notice_policy: 6,
      no_data: 8,
    });
  const maybeNdo = (p: number) => (rng.chance(p) ? ndo2705b(rng, at, court) : undefined);

  switch (process) {
    case 'subpoena':
    case 'grand_jury_subpoena':
    case 'administrative_subpoena': {
      const admin: Record<string, string> = {
        'Drug Enforcement Administration': '21 U.S.C. 876',
        'Homeland Security Investigations': '19 U.S.C. 1509',
        'IRS Criminal Investigation': '26 U.S.C. 7602',
      };
      const a = process === 'administrative_subpoena' ? rng.pick(US_FEDERAL.slice(1, 5)) : agency;
      return d({
        agency: a,
        issuer: process === 'grand_jury_subpoena' ? `Grand jury, ${court}` : a.name,
        process,
        legal:
          process === 'administrative_subpoena'
            ? (admin[a.name] ?? '18 U.S.C. 2703(c)(2)')
            : '18 U.S.C. 2703(c)(2)',
        dataSought: ['basic_subscriber'],
        responseDays: rng.int(4, 25),
        outcome: produced(70),
        ndo: maybeNdo(process === 'grand_jury_subpoena' ? 0.3 : 0.12),
      });
    }
    case 'court_order':
    case 'court_order_2703d':
    case 'pen_register_order':
      return d({
        agency,
        issuer: court,
        process,
        legal: process === 'pen_register_order' ? '18 U.S.C. 3123' : '18 U.S.C. 2703(d)',
        dataSought: process === 'pen_register_order' ? ['non_content'] : ['basic_subscriber', 'non_content'],
        responseDays: rng.int(3, 20),
        outcome: rng.weighted<Outcome>({
          non_content_produced: 78,
          rejected: 8,
          no_data: 9,
          withdrawn_after_notice_policy: 3,
        }),
        ndo: maybeNdo(process === 'pen_register_order' ? 0.6 : 0.3),
      });
    case 'search_warrant':
    case 'wiretap_order':
      return d({
        agency,
        issuer: court,
        process,
        legal: process === 'wiretap_order' ? '18 U.S.C. 2518' : '18 U.S.C. 2703(a), (b)(1)(A)',
        // A wiretap intercepts communications and their call-identifying data; it asks for no stored records.
        dataSought:
          process === 'wiretap_order'
            ? ['non_content', 'content']
            : ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(3, 20),
        outcome: rng.weighted<Outcome>({
          content_produced: 72,
          non_content_produced: 8,
          rejected: 8,
          no_data: 12,
        }),
        ndo:
          process === 'wiretap_order'
            ? {
                authority: 'other',
                issuing_court: court,
                issued_at: iso(at - DAY),
                expires_at: iso(at + 120 * DAY),
              }
            : maybeNdo(0.35),
      });
    case 'civil_investigative_demand': {
      const regulator = rng.pick(US_REGULATORS);
      return d({
        agency: regulator,
        issuer: regulator.name,
        process,
        legal: regulator.level === 'federal' ? '15 U.S.C. 57b-1' : 'State consumer-protection statute',
        caseClass: 'regulatory',
        dataSought: ['basic_subscriber'],
        responseDays: rng.int(10, 30),
        outcome: rng.weighted<Outcome>({
          non_content_produced: 70,
          withdrawn_after_notice_policy: 15,
          rejected: 15,
        }),
      });
    }
    case 'civil_subpoena':
      return d({
        agency: rng.pick(US_CIVIL_COURTS),
        issuer: 'Counsel for a party to a civil action',
        requesterClass: 'civil_litigant',
        process,
        legal: 'Fed. R. Civ. P. 45',
        caseClass: 'civil',
        dataSought: rng.chance(0.3) ? ['basic_subscriber', 'content'] : ['basic_subscriber'],
        responseDays: rng.int(10, 30),
        outcome: rng.weighted<Outcome>({
          withdrawn_after_notice_policy: 35,
          rejected: 35,
          non_content_produced: 30,
        }),
      });
    case 'emergency_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: '18 U.S.C. 2702(b)(8), (c)(4)',
        emergencyBasis: rng.pick(EMERGENCY_BASES),
        dataSought: ['basic_subscriber', 'non_content'],
        responseDays: rng.int(1, 12) / 24,
        outcome: rng.weighted<Outcome>({ non_content_produced: 75, no_data: 10, rejected: 15 }),
        notes: rng.chance(0.5)
          ? 'Verified by call-back to the agency number listed in its public directory.'
          : undefined,
      });
    case 'preservation_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: '18 U.S.C. 2703(f)',
        demand: 'preserve',
        dataSought: ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(4, 48) / 24,
        outcome: rng.chance(0.9) ? 'preserved' : 'no_data',
      });
    default: {
      // takedown_request
      const regulator = rng.chance(0.5) ? rng.pick(US_REGULATORS) : agency;
      const account = rng.chance(0.2);
      return d({
        agency: regulator,
        issuer: regulator.name,
        process: 'takedown_request',
        legal: regulator.kind === 'regulator' ? 'Consumer-protection law (unlawful SMS campaign)' : undefined,
        caseClass: regulator.kind === 'regulator' ? 'regulatory' : 'criminal',
        demand: account ? 'restrict_account' : 'restrict_content',
        dataSought: [],
        items: account ? undefined : rng.int(1, 25),
        responseDays: rng.int(1, 10),
        outcome: rng.weighted<Outcome>({ content_restricted: 70, no_action: 20, rejected: 10 }),
        slots: 1,
      });
    }
  }
}

function draftForeign(rng: Rng, country: string, at: number, d: Make): Draft {
  const info = FOREIGN[country] as Foreign;
  const agency = rng.pick(info.agencies);
  const inEu = EU.includes(country);
  const agreement =
    (country === 'GB' && at >= UK_AGREEMENT) || (country === 'AU' && at >= AU_AGREEMENT)
      ? rng.chance(0.45)
      : false;

  if (inEu && at >= E_EVIDENCE_APPLIES && country !== 'DK' && rng.chance(0.3)) {
    const preserve = rng.chance(0.25);
    return d({
      agency,
      issuer: `${agency.name} (issuing authority)`,
      channel: 'eu_e_evidence',
      process: preserve ? 'preservation_request' : 'other',
      legal: preserve
        ? 'Regulation (EU) 2023/1543, Art. 6 (European Preservation Order)'
        : 'Regulation (EU) 2023/1543, Art. 5 (European Production Order)',
      demand: preserve ? 'preserve' : 'disclose',
      dataSought: preserve
        ? ['basic_subscriber', 'non_content', 'content']
        : // An EPOC reaches subscriber data here until e-Evidence tiers are modelled (policy tier of `other`).
          rng.pick([['basic_subscriber'], ['basic_subscriber']] as DataSought[][]),
      ackHours: rng.int(0, 20),
      effectHours: preserve ? rng.int(1, 24) : rng.int(24, 230),
      responseDays: 0,
      outcome: preserve
        ? 'preserved'
        : rng.weighted<Outcome>({ non_content_produced: 70, no_data: 15, rejected: 15 }),
      ndo: rng.chance(0.15) ? foreignNdo(rng, at) : undefined,
    });
  }
  if (inEu && at >= DSA_APPLIES && rng.chance(0.45)) {
    const art9 = rng.chance(0.55);
    const authority = EU_REGULATORS[country] && rng.chance(0.4) ? (EU_REGULATORS[country] as Agency) : agency;
    const category = rng.chance(0.08)
      ? rng.pick(RARE_DSA_CATEGORIES)
      : rng.weighted<DsaCategory>({
          STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 35,
          STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH: 14,
          STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS: 9,
          STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY: 9,
          STATEMENT_CATEGORY_PROTECTION_OF_MINORS: 8,
          STATEMENT_CATEGORY_CYBER_VIOLENCE: 7,
          STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS: 5,
          STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS: 4,
          STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER: 6,
        });
    return d({
      agency: authority,
      issuer: authority.name,
      channel: art9 ? 'dsa_art_9' : 'dsa_art_10',
      process: art9 ? 'takedown_request' : authority.kind === 'regulator' ? 'other' : 'police_force_order',
      legal: `Regulation (EU) 2022/2065, Art. ${art9 ? 9 : 10}`,
      caseClass: authority.kind === 'regulator' ? 'regulatory' : 'criminal',
      demand: art9 ? 'restrict_content' : 'disclose',
      dataSought: art9 ? [] : ['basic_subscriber'],
      items: art9 ? rng.int(1, 12) : undefined,
      dsaCategory: category,
      // Most orders are acknowledged automatically within the hour (reported as 0 hours).
      ackHours: rng.chance(0.6) ? rng.next() * 0.9 : rng.int(1, 12),
      effectHours: rng.int(2, 96),
      responseDays: 0,
      outcome: art9
        ? rng.weighted<Outcome>({ content_restricted: 80, no_action: 12, rejected: 8 })
        : rng.weighted<Outcome>({ non_content_produced: 75, no_data: 15, rejected: 10 }),
      ...(art9 ? { slots: 1 } : {}),
    });
  }
  if (agreement) {
    const gb = country === 'GB';
    return d({
      agency,
      issuer: gb ? 'Crown Court at Southwark' : 'Issuing authority under Schedule 1 (AU)',
      channel: 'executive_agreement',
      process: 'court_order',
      legal: gb
        ? 'Crime (Overseas Production Orders) Act 2019; US-UK Data Access Agreement'
        : 'Telecommunications (Interception and Access) Act 1979, Sch. 1; AU-US CLOUD Act Agreement',
      dataSought: ['basic_subscriber', 'non_content', 'content'],
      responseDays: rng.int(5, 25),
      outcome: rng.weighted<Outcome>({
        content_produced: 60,
        non_content_produced: 20,
        no_data: 10,
        rejected: 10,
      }),
      ndo: rng.chance(0.3) ? foreignNdo(rng, at) : undefined,
    });
  }
  const process = rng.weighted<ProcessType>({
    police_force_order: 62,
    mlat_request: 13,
    preservation_request: 12,
    emergency_request: 10,
    takedown_request: 3,
  });
  switch (process) {
    case 'mlat_request': {
      // Recorded as the US process DOJ served under 18 U.S.C. 3512, so its own tier applies: a warrant for
      // content, a 2703(d) order for records. (The draws keep their order, so other rows stay as they were.)
      const responseDays = rng.int(20, 90);
      const outcome = rng.weighted<Outcome>({
        content_produced: 70,
        non_content_produced: 15,
        no_data: 10,
        rejected: 5,
      });
      const warrant = outcome !== 'non_content_produced';
      // 2015-H1 as Twilio published it: "MLAT" rows, the served process not recorded (a history override).
      const asPublished = at < Date.UTC(2015, 6, 1);
      return d({
        agency,
        issuer: 'U.S. District Court for the District of Columbia (18 U.S.C. 3512)',
        channel: 'mlat',
        process: asPublished ? 'mlat_request' : warrant ? 'search_warrant' : 'court_order_2703d',
        legal: `18 U.S.C. 3512; mutual legal assistance request from ${country}`,
        dataSought: warrant
          ? ['basic_subscriber', 'non_content', 'content']
          : ['basic_subscriber', 'non_content'],
        responseDays,
        outcome,
        ndo: rng.chance(0.2) ? foreignNdo(rng, at) : undefined,
      });
    }
    case 'preservation_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: 'Budapest Convention, Art. 29 (expedited preservation)',
        demand: 'preserve',
        dataSought: ['basic_subscriber', 'non_content', 'content'],
        responseDays: rng.int(4, 72) / 24,
        outcome: rng.chance(0.9) ? 'preserved' : 'no_data',
      });
    case 'emergency_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        emergencyBasis: rng.pick(EMERGENCY_BASES),
        dataSought: ['basic_subscriber', 'non_content'],
        responseDays: rng.int(1, 18) / 24,
        // Non-content may go abroad (18 U.S.C. 2702(c)(6)); content may not.
        outcome: rng.weighted<Outcome>({ non_content_produced: 70, no_data: 12, rejected: 18 }),
      });
    case 'takedown_request':
      return d({
        agency,
        issuer: agency.name,
        process,
        legal: info.law,
        demand: 'restrict_content',
        dataSought: [],
        items: rng.int(1, 10),
        responseDays: rng.int(1, 10),
        outcome: rng.weighted<Outcome>({ content_restricted: 55, no_action: 30, rejected: 15 }),
        slots: 1,
      });
    default:
      return d({
        agency,
        issuer: agency.name,
        process: 'police_force_order',
        legal: info.law,
        // A direct foreign order may ask for more; it gets basic subscriber information at most (the policy tier).
        dataSought: rng.chance(0.6) ? ['basic_subscriber'] : ['basic_subscriber', 'content'],
        responseDays: rng.int(5, 30),
        // Content only through MLAT or an executive agreement: a direct foreign order gets non-content at most.
        outcome: rng.weighted<Outcome>({
          non_content_produced: 45,
          rejected: 35,
          no_data: 10,
          withdrawn_after_notice_policy: 10,
        }),
        ndo: rng.chance(0.08) ? foreignNdo(rng, at) : undefined,
      });
  }
}

function foreignNdo(rng: Rng, at: number): NonNullable<ValidRequest['ndo']> {
  const issued = at - rng.int(1, 7) * DAY;
  return {
    authority: 'foreign',
    issued_at: iso(issued),
    expires_at: rng.chance(0.3) ? null : iso(issued + rng.pick([180, 365, 730]) * DAY),
    ground: rng.weighted(NDO_GROUNDS),
  };
}

// ---- targets ---------------------------------------------------------------------------------------------

/**
 * Spreads the pool over the drafts' account slots so that every pool account is named at least once:
 * the distinct-account count of the period is exactly the pool size.
 */
function assignAccounts(rng: Rng, drafts: Draft[], pool: string[]): void {
  const slots: Draft[] = [];
  for (const d of drafts) for (let i = 0; i < d.slots; i++) slots.push(d);
  const eligible = drafts.filter((d) => d.slots > 0);
  while (slots.length < pool.length && eligible.length > 0) {
    const d = rng.pick(eligible);
    d.slots++;
    slots.push(d);
  }
  rng.shuffle(slots);
  const order = rng.shuffle([...pool]);
  slots.forEach((d, i) => {
    const account = i < order.length ? (order[i] as string) : rng.pick(pool);
    if (!d.accountsAssigned.includes(account)) d.accountsAssigned.push(account);
  });
}

function phone(rng: Rng, country: string): string {
  const pattern =
    country === 'US'
      ? `+1${rng.pick(['415', '212', '646', '310', '312', '713', '305', '206', '404', '617'])}55501xx`
      : (FOREIGN[country] as Foreign).phone;
  let out = '';
  for (const ch of pattern) out += ch === 'x' ? String(rng.int(0, 9)) : ch;
  return out;
}

function otherIdentifier(rng: Rng): string {
  switch (rng.int(0, 2)) {
    case 0:
      return `user${rng.int(1, 99_999)}@example.com`;
    case 1:
      return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
    default:
      return `https://media.example.net/${rng.hex(12)}`;
  }
}

// ---- timing, outcome and notice --------------------------------------------------------------------------

/** Fills in targets, timing, outcome and notice; a request whose answer would come after `now` stays open. */
function finish(rng: Rng, d: Draft, ref: string, now: number, keptUp?: PolicyConfig): ValidRequest {
  const accounts: string[] = [];
  const identifiers: ValidRequest['identifiers'] = [];
  const takedown = d.demand === 'restrict_content';
  for (const account of d.accountsAssigned) {
    const style = rng.next();
    if (takedown) identifiers.push({ value: `https://media.example.net/${rng.hex(12)}`, account });
    else if (style < 0.6) identifiers.push({ value: phone(rng, d.country), account });
    else if (style < 0.9) accounts.push(account);
    else {
      accounts.push(account);
      identifiers.push({ value: otherIdentifier(rng), account });
    }
  }
  if (d.accountsAssigned.length === 0) {
    identifiers.push({ value: rng.chance(0.7) ? phone(rng, d.country) : otherIdentifier(rng) });
  }

  const eu = d.effectHours !== undefined;
  const effect =
    d.effectHours === undefined ? undefined : d.at + d.effectHours * HOUR + rng.int(0, 59) * 60_000;
  // Receipt is acknowledged at the latest together with the effect given.
  const ack =
    d.ackHours === undefined ? undefined : Math.min(d.at + Math.round(d.ackHours * HOUR), effect ?? Infinity);
  let answered = eu ? (effect as number) : d.at + Math.round(d.responseDays * DAY) + rng.int(5, 55) * 60_000;
  if (keptUp && !eu && answered > now) {
    // A team that kept up answered by the policy's target whatever falls due before it looks again.
    const due = responseDueAt(
      {
        processType: d.process,
        channel: d.channel,
        emergency: d.emergencyBasis !== undefined,
        receivedAt: new Date(d.at),
      },
      keptUp,
    )?.getTime();
    if (due !== undefined && due < now + KEPT_UP_AHEAD_MS) {
      answered = Math.min(now, Math.max(d.at + 5 * 60_000, Math.min(due, now) - HOUR));
    }
  }
  const open = answered > now;
  const outcome = open ? undefined : d.outcome;
  const gaveEffect = outcome && !['rejected', 'no_action', 'no_data'].includes(outcome);

  return {
    external_ref: ref,
    received_at: iso(d.at),
    delivered_via: d.delivered,
    agency: {
      name: d.agency.name,
      kind: d.agency.kind,
      level: d.agency.level,
      country: d.country,
      subdivision: d.agency.subdivision,
    },
    issuer: d.issuer,
    requester_class: d.requesterClass,
    channel: d.channel,
    process_type: d.process,
    legal_authority: d.legal,
    case_class: d.caseClass,
    emergency: d.emergencyBasis !== undefined,
    emergency_basis: d.emergencyBasis,
    demand_kind: d.demand,
    data_sought: d.dataSought,
    accounts,
    identifiers,
    items_of_information: d.items,
    dsa_category: d.dsaCategory,
    acknowledged_at: ack !== undefined && ack <= now ? iso(ack) : undefined,
    effect_given_at: eu && gaveEffect ? iso(effect as number) : undefined,
    outcome,
    responded_at: open ? undefined : iso(answered),
    notice_status: noticeStatus(rng, d, outcome, now, keptUp ? { policy: keptUp, answered } : undefined),
    ndo: d.ndo,
    data_location: dataLocation(rng, d.at),
    // An agreement order may not target a US person or a person in the US (2523(b)(4)); the team records that
    // it does not, so the gate lets the order reach content.
    ...(d.channel === 'executive_agreement' ? { target_us_person: false } : {}),
    notes: d.notes,
  };
}

function noticeStatus(
  rng: Rng,
  d: Draft,
  outcome: Outcome | undefined,
  now: number,
  keptUp?: { policy: PolicyConfig; answered: number },
): NoticeStatus {
  // Drawn first so that the random stream does not depend on `now`: a shorter history is a prefix of a longer.
  const reachable = rng.chance(0.9);
  const expires = d.ndo ? (d.ndo.expires_at === null ? Infinity : Date.parse(d.ndo.expires_at)) : undefined;
  if (expires !== undefined && expires > now) return 'prohibited_by_order';
  if (!outcome) return 'pending';
  if (
    ['rejected', 'withdrawn', 'withdrawn_after_notice_policy', 'no_data', 'preserved', 'no_action'].includes(
      outcome,
    )
  ) {
    return 'not_applicable';
  }
  if (keptUp) {
    // Kept up: notice waits exactly as long as the policy's emergency delay, and is sent once owed. Not a
    // moment earlier, even when the delay runs out within KEPT_UP_AHEAD_MS: the law comes before a quiet queue.
    const ends = emergencyNoticeDueAt(new Date(keptUp.answered), keptUp.policy).getTime();
    if (d.emergencyBasis !== undefined && ends > now) return 'delayed_emergency';
    return reachable ? 'sent' : 'not_possible';
  }
  // Notice after an emergency disclosure waits until the emergency has passed: recent ones are still delayed.
  if (d.emergencyBasis !== undefined && now - d.at < 120 * DAY) return 'delayed_emergency';
  // An order that ran out less than a month ago: the held-back notice is due but not yet sent.
  if (expires !== undefined && now - expires < 30 * DAY) return 'pending';
  return reachable ? 'sent' : 'not_possible';
}

function dataLocation(rng: Rng, at: number): string {
  const year = new Date(at).getUTCFullYear();
  if (year < 2020 || rng.chance(0.8)) return 'US';
  return rng.pick(year >= 2023 ? ['IE', 'DE', 'AU'] : ['IE', 'DE']);
}

/** Whole seconds: what a person or a mail server records. */
function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
