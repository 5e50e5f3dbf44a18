/**
 * Reporting periods. A period is written as a half-year (`2015-H1`), a calendar year (`2015`) or an
 * explicit inclusive range of days (`2015-01-01..2015-03-31`). Days are UTC days: a request counts in the
 * period whose [startInstant, endExclusiveInstant) holds its received_at instant.
 */

export interface Period {
  /** The canonical id: `2015-H1`, `2015` or `2015-01-01..2015-03-31`. */
  id: string;
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  end: string;
  /** `start` at 00:00 UTC, ISO 8601. */
  startInstant: string;
  /** The day after `end` at 00:00 UTC: the exclusive upper bound for timestamps. */
  endExclusiveInstant: string;
}

const DAY_MS = 86_400_000;
const FORMS = 'expected a period like 2015-H1, 2015-H2, 2015 or 2015-01-01..2015-03-31';

function day(text: string, whole: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`invalid period "${whole}": "${text}" is not a calendar date (${FORMS})`);
  }
  return t;
}

const dateOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** The first instant Candor cannot store: a period must end before it (its exclusive bound is a day later). */
const LAST_DAY = Date.UTC(9999, 11, 31);

function make(id: string, start: number, endInclusive: number): Period {
  if (endInclusive >= LAST_DAY)
    throw new RangeError(`invalid period "${id}": it must end before 9999-12-31 (${FORMS})`);
  return Object.freeze({
    id,
    start: dateOf(start),
    end: dateOf(endInclusive),
    startInstant: new Date(start).toISOString(),
    endExclusiveInstant: new Date(endInclusive + DAY_MS).toISOString(),
  });
}

function checkYear(year: number, whole: string): void {
  if (year < 1970 || year > 9999)
    throw new RangeError(`invalid period "${whole}": year out of range (${FORMS})`);
}

/** Parse a period id; throws a RangeError that quotes the input and lists the accepted forms. */
export function parsePeriod(input: string): Period {
  const text = input.trim();
  let m = /^(\d{4})-H([12])$/i.exec(text);
  if (m) {
    const year = Number(m[1]);
    checkYear(year, input);
    const first = m[2] === '1';
    return make(
      `${m[1]}-H${m[2]}`,
      Date.UTC(year, first ? 0 : 6, 1),
      Date.UTC(year, first ? 6 : 12, 1) - DAY_MS,
    );
  }
  m = /^(\d{4})$/.exec(text);
  if (m) {
    const year = Number(m[1]);
    checkYear(year, input);
    return make(m[1] as string, Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1) - DAY_MS);
  }
  m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text);
  if (m) {
    const start = day(m[1] as string, input);
    const end = day(m[2] as string, input);
    checkYear(new Date(start).getUTCFullYear(), input);
    if (end < start) throw new RangeError(`invalid period "${input}": it ends before it starts`);
    return make(`${m[1]}..${m[2]}`, start, end);
  }
  throw new RangeError(`invalid period "${input}": ${FORMS}`);
}

/** The half-year (`2015-H2`) holding a day. */
function halfYearOf(t: number): { year: number; half: 1 | 2 } {
  const d = new Date(t);
  return { year: d.getUTCFullYear(), half: d.getUTCMonth() < 6 ? 1 : 2 };
}

/**
 * Every half-year that overlaps the span from the start of `from` to the end of `to`, oldest first:
 * `halfYearsBetween('2015-H2', '2016')` is `['2015-H2', '2016-H1', '2016-H2']`.
 */
export function halfYearsBetween(from: string, to: string): string[] {
  const a = parsePeriod(from);
  const b = parsePeriod(to);
  if (b.end < a.start) throw new RangeError(`period "${to}" ends before "${from}" starts`);
  let { year, half } = halfYearOf(Date.parse(a.startInstant));
  const last = halfYearOf(Date.parse(b.endExclusiveInstant) - DAY_MS);
  const out: string[] = [];
  while (year < last.year || (year === last.year && half <= last.half)) {
    out.push(`${year}-H${half}`);
    if (half === 2) year += 1;
    half = half === 1 ? 2 : 1;
  }
  return out;
}
