import { z } from 'zod';
import type { ReportData } from './report-data.ts';
import { STANDARDS, type ReportPart, type Standard } from './standards.ts';

/**
 * The standards scorecard: for each element of each standard (standards.ts), whether a computed report
 * discloses it. Pure: a function of the report data alone, so the same data always gives the same scorecard
 * and a table taken out of the report makes its elements fall to "not disclosed".
 */

export const SCORECARD_STATUSES = ['disclosed', 'not_collected', 'not_applicable', 'not_disclosed'] as const;
export type ScorecardStatus = (typeof SCORECARD_STATUSES)[number];

export const scorecardSchema = z
  .strictObject({
    counts: z
      .strictObject({
        disclosed: z.number().int().min(0),
        not_collected: z.number().int().min(0),
        not_applicable: z.number().int().min(0),
        not_disclosed: z.number().int().min(0),
      })
      .describe('Elements of every standard by status.'),
    standards: z.array(
      z.strictObject({
        id: z.string().min(1),
        name: z.string().min(1),
        source_url: z.string().url().describe('Where the standard and its elements are published.'),
        elements: z.array(
          z.strictObject({
            id: z.string().min(1),
            text: z.string().min(1),
            paraphrase: z
              .boolean()
              .describe('True when text is a short paraphrase, not the standard’s wording.'),
            status: z
              .enum(SCORECARD_STATUSES)
              .describe(
                'disclosed: the parts named in `where` are in this report; not_collected / not_applicable: declared, with the reason in `note`; not_disclosed: a part it needs is missing from this report (named in `where`).',
              ),
            where: z
              .array(z.string().min(1))
              .describe(
                'Disclosed: the parts of the report that disclose it. Not disclosed: the parts missing.',
              ),
            note: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .describe('How this report meets each element of the standards reports are judged by (docs/reports.md).');
export type Scorecard = z.infer<typeof scorecardSchema>;
export type ScorecardElement = Scorecard['standards'][number]['elements'][number];

type Presence = 'present' | 'null' | 'absent';

/**
 * Whether a part of the report is there: a key of the data, `tables.<key>`, or a field within a table
 * (`tables.takedown.by_country`, added in a later schema version than its table).
 */
function presence(data: ReportData, part: ReportPart): Presence {
  const [head, ...keys] = part.split('.') as [string, ...string[]];
  if (head === 'handling_policy') {
    return data.handling_policy?.sections.some((s) => s.key === keys[0] && s.text.trim())
      ? 'present'
      : 'absent';
  }
  if (head !== 'tables' && keys.length > 0) return 'absent';
  let value: unknown = (data as unknown as Record<string, unknown>)[head];
  for (const k of keys) {
    if (value === null || typeof value !== 'object') return 'absent';
    value = (value as Record<string, unknown>)[k];
  }
  if (value === undefined) return 'absent';
  return value === null ? 'null' : 'present';
}

function score(data: ReportData, e: Standard['elements'][number]): ScorecardElement {
  const base = { id: e.id, text: e.text, paraphrase: e.paraphrase === true };
  if ('not_collected' in e) return { ...base, status: 'not_collected', where: [], note: e.not_collected };
  if ('not_applicable' in e) return { ...base, status: 'not_applicable', where: [], note: e.not_applicable };
  const seen = e.where.map((p) => [p, presence(data, p)] as const);
  const missing = seen.filter(([, s]) => s !== 'present');
  if (missing.length === 0)
    return { ...base, status: 'disclosed', where: [...e.where], note: e.note ?? null };
  if (e.when_null && missing.every(([, s]) => s === 'null'))
    return { ...base, status: e.when_null.status, where: [], note: e.when_null.reason };
  return { ...base, status: 'not_disclosed', where: missing.map(([p]) => p), note: e.note ?? null };
}

/** The scorecard of a computed report against every standard of standards.ts. */
export function scorecard(data: ReportData, standards: readonly Standard[] = STANDARDS): Scorecard {
  const scored = standards.map((s) => ({
    id: s.id,
    name: s.name,
    source_url: s.source_url,
    elements: s.elements.map((e) => score(data, e)),
  }));
  const counts = Object.fromEntries(SCORECARD_STATUSES.map((s) => [s, 0])) as Scorecard['counts'];
  for (const s of scored) for (const e of s.elements) counts[e.status] += 1;
  return { counts, standards: scored };
}

/** A status in words, as the reader formats and the CLI show it. */
export const STATUS_WORDS: Readonly<Record<ScorecardStatus, string>> = {
  disclosed: 'disclosed',
  not_collected: 'not collected',
  not_applicable: 'not applicable',
  not_disclosed: 'NOT DISCLOSED',
};
