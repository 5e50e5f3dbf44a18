export const FIRST_PERIOD = '2015-H1';
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const UK_AGREEMENT = Date.parse('2022-10-03T00:00:00Z');
export const AU_AGREEMENT = Date.parse('2024-01-31T00:00:00Z');
export const DSA_APPLIES = Date.parse('2024-02-17T00:00:00Z');
export const E_EVIDENCE_APPLIES = Date.parse('2026-08-18T00:00:00Z');
export const ROSENSTEIN_MEMO = Date.parse('2017-10-19T00:00:00Z');

// ---- periods ---------------------------------------------------------------------------------------------

export interface Period {
  label: string;
  start: number;
  end: number;
}

export function periodsUntil(until: string): Period[] {
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

export function toMs(t: string | Date): number {
  const ms = typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`now is not a date: ${String(t)}`);
  return ms;
}

// ---- PRNG ------------------------------------------------------------------------------------------------

/** Whole seconds: what a person or a mail server records. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
