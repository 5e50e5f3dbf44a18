import { RESULT_WORDS, STAGE_WORDS } from '../../domain/court-challenge.ts';
import type { ReportData } from '../report-data.ts';
import type { CsvValue } from './csv-format.ts';
import type { DocSection, DocTable } from './document.ts';
import { OUTCOME_LABELS, PROCESS_LABELS, formatCount } from './labels.ts';
import { country } from '../../domain/countries.ts';

/**
 * What a reader sees of the tables of issue 16.2 (text, Markdown, HTML and PDF through the document model; the
 * CSV rows): court challenges as rows of the pushback table, the access-mode table beside the process tables,
 * and informal requests in a section of their own. Each is absent for versions frozen before schema version 6,
 * which did not report them, so those render byte for byte as published.
 */

type Tables = ReportData['tables'];
type Challenges = NonNullable<Tables['pushback']['court_challenges']>;

/** Rows that extend the pushback table: challenged in court, then each stage and result with requests. */
export function challengeRows(t: Tables): DocTable['rows'] {
  const c = t.pushback.court_challenges;
  if (!c) return [];
  return [
    { kind: 'normal', cells: ['Challenged in court', c.requests] },
    ...c.by_stage_result.map((r) => ({
      kind: 'normal' as const,
      indent: true,
      cells: [`${capitalise(STAGE_WORDS[r.stage])}: ${RESULT_WORDS[r.result]}`, r.requests],
    })),
  ];
}

export const CHALLENGE_NOTE =
  'Challenged in court: requests we moved to quash or modify, each counted once by the latest stage its ' +
  'challenge reached (motion filed, first instance, appeal, highest court) and the result there; "partly ' +
  'won" means the court narrowed the demand.';

/** The access-mode table: stored records against real-time (prospective) collection, by legal process. */
export function accessModeTables(t: Tables): DocTable[] {
  if (!t.access_mode) return [];
  const total = (k: 'requests' | 'stored' | 'prospective' | 'not_recorded') =>
    t.access_mode!.reduce((s, r) => s + r[k], 0);
  return [
    {
      id: 'access_mode',
      caption: 'Stored and real-time (prospective) access, by legal process',
      head: ['Legal process', 'Requests', 'Stored records', 'Real-time (prospective)', 'Not recorded'],
      rows: [
        ...t.access_mode.map((r) => ({
          kind: 'normal' as const,
          cells: [PROCESS_LABELS[r.process_type], r.requests, r.stored, r.prospective, r.not_recorded],
        })),
        {
          kind: 'total',
          cells: ['Total', total('requests'), total('stored'), total('prospective'), total('not_recorded')],
        },
      ],
      note: 'Wiretap and pen-register orders collect in real time by their nature and are always prospective.',
    },
  ];
}

/** The section on informal requests, with how they relate to the headline. */
export function informalSection(t: Tables): DocSection | null {
  const inf = t.informal_requests;
  if (!inf) return null;
  const outcomes = (Object.keys(inf.outcomes) as Array<keyof typeof inf.outcomes>).filter(
    (k) => inf.outcomes[k] > 0,
  );
  return {
    id: 'informal_requests',
    heading: 'Did governments ask us informally?',
    paragraphs: [
      `We received ${formatCount(inf.requests)} informal government ${inf.requests === 1 ? 'request' : 'requests'} ` +
        '(a referral, a call or a flagging, without legal process), naming ' +
        `${formatCount(inf.accounts_specified)} ${inf.accounts_specified === 1 ? 'account' : 'accounts'}. ` +
        'They are counted here only: the figures above count requests made with legal process, and include ' +
        'no informal request.',
    ],
    tables: [
      {
        id: 'informal_requests',
        caption: 'Informal government requests',
        head: ['Measure', 'Requests'],
        rows: [
          ...inf.by_process_type.map((r) => ({
            kind: 'normal' as const,
            cells: [
              r.process_type === 'takedown_request'
                ? 'To act on content or an account'
                : 'For information or other',
              r.requests,
            ],
          })),
          ...inf.by_country.map((r) => ({
            kind: 'normal' as const,
            cells: [`From ${country(r.country).name || r.country}`, r.requests],
          })),
          ...outcomes.map((k) => ({
            kind: 'normal' as const,
            cells: [`Outcome: ${OUTCOME_LABELS[k]}`, inf.outcomes[k]],
          })),
          { kind: 'total', cells: ['Total', inf.requests] },
        ],
      },
    ],
    charts: [],
  };
}

type Row = [string, string, string, string, string, string, CsvValue];

/** The long-form CSV rows of the three tables (after the pushback rows). */
export function processCsvRows(t: Tables, challenges: Challenges | undefined): Row[] {
  const rows: Row[] = [];
  if (challenges) {
    rows.push(['pushback', 'action', 'court_challenges', '', '', 'requests', challenges.requests]);
    for (const r of challenges.by_stage_result)
      rows.push([
        'pushback',
        'challenge_stage',
        r.stage,
        'challenge_result',
        r.result,
        'requests',
        r.requests,
      ]);
  }
  const inf = t.informal_requests;
  if (inf) {
    rows.push(['informal_requests', '', '', '', '', 'requests', inf.requests]);
    rows.push(['informal_requests', '', '', '', '', 'accounts_specified', inf.accounts_specified]);
    for (const [k, v] of Object.entries(inf.outcomes))
      rows.push(['informal_requests', '', '', 'outcome', k, 'requests', v]);
    for (const r of inf.by_country)
      rows.push(['informal_requests', 'country', r.country, '', '', 'requests', r.requests]);
    for (const r of inf.by_process_type)
      rows.push(['informal_requests', 'process_type', r.process_type, '', '', 'requests', r.requests]);
  }
  for (const r of t.access_mode ?? []) {
    rows.push(['access_mode', 'process_type', r.process_type, '', '', 'requests', r.requests]);
    for (const m of ['stored', 'prospective', 'not_recorded'] as const)
      rows.push(['access_mode', 'process_type', r.process_type, 'access_mode', m, 'requests', r[m]]);
  }
  return rows;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
