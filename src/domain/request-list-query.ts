import { z } from 'zod';
import { calendarDate } from './primitives.ts';
import { OUTCOMES, PROCESS_TYPES, REQUEST_STATUSES } from './vocabulary.ts';

// The request list's filters, in the API's words: GET /api/v1/requests parses its query string with this
// schema and `candor request list` its flags, so both doors take the same filters with the same checks.

/** A comma-separated list of enum values in a query string. */
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)))
    .optional();

export const listQuery = z.strictObject({
  status: csvOf(REQUEST_STATUSES),
  process_type: csvOf(PROCESS_TYPES),
  country: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'expected ISO 3166-1 alpha-2 codes')))
    .optional(),
  outcome: csvOf([...OUTCOMES, 'none'] as const),
  received_from: calendarDate.optional().describe('inclusive, YYYY-MM-DD (UTC)'),
  received_to: calendarDate.optional().describe('inclusive, YYYY-MM-DD (UTC)'),
  q: z.string().trim().min(1).max(200).optional().describe('prefix of the external reference or agency name'),
  sort: z.enum(['received_at', 'external_ref']).default('received_at'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();

/** The parsed query as the request service's list options. */
export function listOptions(q: z.output<typeof listQuery>) {
  return {
    filter: {
      status: q.status,
      processType: q.process_type,
      country: q.country,
      outcome: q.outcome,
      receivedFrom: q.received_from ? `${q.received_from}T00:00:00Z` : undefined,
      receivedTo: q.received_to ? nextDay(q.received_to) : undefined,
      q: q.q,
    },
    limit: q.limit,
    cursor: q.cursor,
    sort: q.sort,
    dir: q.dir,
  };
}
