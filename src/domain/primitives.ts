import { z } from 'zod';
import { parsePeriod } from './periods.ts';

/**
 * The shared edge primitives: every door (API, web, CLI, import) parses ids, versions, dates, instants,
 * periods and text through these, so an impossible value is refused with a clear message at the edge and
 * never reaches the database (where it would surface as a 500 or as the database's own words).
 */

/** The largest value of a PostgreSQL `integer` (ids, version numbers). */
export const INT4_MAX = 2_147_483_647;

/** Earliest and latest instants Candor stores: 1970-01-01 up to the last moment of 9999-12-31 UTC. */
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(10000, 0, 1);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a text is not acceptable input (a NUL, which PostgreSQL cannot store, or a lone surrogate), or null. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode text)';
  return null;
}

/**
 * The first string anywhere in a parsed value (a JSON body, a query, a form) that `textProblem` refuses,
 * with its dotted path; keys are checked as well as values.
 */
export function findBadText(value: unknown, path = ''): { field: string; message: string } | null {
  if (typeof value === 'string') {
    const p = textProblem(value);
    return p ? { field: path || '(value)', message: p } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  for (const [k, v] of entries) {
    const key = String(k);
    const here = path ? `${path}.${key}` : key;
    const kp = textProblem(key);
    if (kp) return { field: here, message: `its name ${kp}` };
    const found = findBadText(v, here);
    if (found) return found;
  }
  return null;
}

export { cleanOutput } from './clean-output.ts';

/** A string with nothing `textProblem` refuses. */
export const cleanString = () =>
  z.string().superRefine((s, ctx) => {
    const p = textProblem(s);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

/** A record id (a positive PostgreSQL integer) from a path or query: `42`. */
export const recordId = z.coerce
  .number({ error: 'expected a positive whole number (an id)' })
  .int('expected a positive whole number (an id)')
  .min(1, 'expected a positive whole number (an id)')
  .max(INT4_MAX, `expected an id no larger than ${INT4_MAX}`);

/** A version number in a JSON body: the version the caller read. */
export const versionNumber = z
  .number()
  .int('expected a whole version number')
  .min(1, 'expected a version number from 1')
  .max(INT4_MAX, `expected a version number no larger than ${INT4_MAX}`);

/** A version number from a path or query string (`3`). */
export const versionParam = z.coerce.number({ error: 'expected a version number' }).pipe(versionNumber);

/** The epoch milliseconds of a calendar date, or NaN when it is not one (2015-02-30, month 13). */
function dateMs(y: number, mo: number, d: number): number {
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : NaN;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):?(\d{2})))?$/;
const INSTANT_FORMS = 'expected an ISO 8601 date (2015-03-01) or timestamp with zone (2015-03-01T14:00:00Z)';
const RANGE = 'expected a date from 1970-01-01 to 9999-12-31';

/**
 * Reads an instant: `2015-03-01` (00:00 UTC) or a timestamp with zone. Every part is range-checked (month,
 * day of that month, hour < 24, minute and second < 60, zone within ±18:00), so `+99:99` or minute 60 is
 * refused rather than rolled over. Returns epoch milliseconds or a message.
 */
export function readInstant(s: string): number | string {
  const m = INSTANT_RE.exec(s);
  if (!m) return INSTANT_FORMS;
  const day = dateMs(Number(m[1]), Number(m[2]), Number(m[3]));
  if (Number.isNaN(day)) return `${m[1]}-${m[2]}-${m[3]} is not a calendar date`;
  if (m[4] === undefined) return day < MIN_MS || day >= MAX_MS ? RANGE : day;
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return `${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''} is not a time of day`;
  let offset = 0;
  if (m[8] !== 'Z') {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 18 || om > 59 || (oh === 18 && om > 0))
      return `${m[9]}${m[10]}:${m[11]} is not a time zone offset (expected -18:00 to +18:00)`;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const t = day + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset;
  return t < MIN_MS || t >= MAX_MS ? RANGE : t;
}

/** An instant: a full ISO 8601 timestamp with zone, or a date (read as 00:00 UTC). Normalised to ISO UTC. */
export const instant = z
  .string()
  .trim()
  .superRefine((s, ctx) => {
    const t = readInstant(s);
    if (typeof t === 'string') ctx.addIssue({ code: 'custom', message: t });
  })
  .transform((s) => new Date(readInstant(s)).toISOString());

/** A calendar day `YYYY-MM-DD` (a real date, 1970-01-01 to 9999-12-30), as written. */
export const calendarDate = z.string().superRefine((s, ctx) => {
  const m = DATE_RE.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD' });
    return;
  }
  const t = dateMs(Number(m[1]), Number(m[2]), Number(m[3]));
  if (Number.isNaN(t)) ctx.addIssue({ code: 'custom', message: `${s} is not a calendar date` });
  // The day after must be storable too (a date is often an inclusive bound: `< next day`).
  else if (t < MIN_MS || t >= MAX_MS - 86_400_000)
    ctx.addIssue({ code: 'custom', message: 'expected a date from 1970-01-01 to 9999-12-30' });
});

/** A reporting period id (`2015-H1`, `2015`, `2015-01-01..2015-03-31`), checked by `parsePeriod`. */
export const periodId = z
  .string()
  .max(40, 'expected a period like 2015-H1, 2015 or 2015-01-01..2015-03-31')
  .superRefine((s, ctx) => {
    try {
      parsePeriod(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  });
