import type { UncoveredDays } from '../../domain/ns-coverage.ts';
import { STATUS_WORDS, type Scorecard } from '../scorecard.ts';
import { LEGAL_CHANNELS, OUTCOMES, type ProcessType } from '../../domain/vocabulary.ts';
import { REGIONS, type OutcomeCounts, type ReportData } from '../report-data.ts';
import { changeLabel } from './change-words.ts';
import { foreignNationalSecuritySection } from './foreign-ns-section.ts';
import { policyDocSections, type PolicyDocSection } from './policy-blocks.ts';
import {
  DEMAND_HEADS,
  SPLIT_NOTE,
  channelSplit,
  countrySplit,
  hasDemandSplit,
  noticeSplit,
  receivedSplitText,
  summarySplitRows,
  takedownSection,
} from './demand-tables.ts';
import {
  accountActionTables,
  dataProducedTables,
  identifierKindTables,
  pushbackNote,
} from './document-history.ts';
import { accessModeTables, CHALLENGE_NOTE, challengeRows, informalSection } from './process-sections.ts';
import {
  CHANNEL_LABELS,
  LEVEL_LABELS,
  NATIONAL_SECURITY_LABELS,
  NOTICE_ROWS,
  OUTCOME_LABELS,
  PROCESS_LABELS,
  SUMMARY_LABELS,
  bandText,
  dsaLabel,
  formatCount,
  formatDate,
  formatPct,
} from './labels.ts';

/**
 * The report as a small document model (sections of prose and tables), shared by the text, Markdown,
 * HTML and PDF renderers so they say the same thing in the same order. CSV and JSON are built from
 * `ReportData` directly, since they carry every cell rather than a reader's selection.
 */

export type Cell = string | number;

/** `group`: a heading row for the rows below it (a region); `total`: a sum row. */
export type RowKind = 'normal' | 'group' | 'total';

export interface DocTable {
  id: string;
  caption: string;
  /** Column headings; the first column holds row headers. */
  head: string[];
  rows: Array<{ kind: RowKind; cells: Cell[]; indent?: boolean }>;
  note?: string;
}

export interface DocSection {
  id: string;
  heading: string;
  paragraphs: string[];
  tables: DocTable[];
  /** Chart ids (see charts.ts) that illustrate this section. */
  charts: string[];
  /** The provider's "How we handle requests" sub-sections (policy-blocks.ts), printed after the paragraphs. */
  policy?: PolicyDocSection[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  facts: Array<[string, string]>;
  /** "DRAFT", "PARTIAL PERIOD": said on every page (PDF header and footer) and at the top of the others. */
  marks: string[];
  /** Present when the period had not ended: what the figures cover and why it was frozen early. */
  partial: string | null;
  /** Present when this version corrects an earlier one. */
  updated: { banner: string; changelog: Array<[string, string]> } | null;
  sections: DocSection[];
}

type OutcomeKey = keyof OutcomeCounts;
const OUTCOME_KEYS: readonly OutcomeKey[] = [...OUTCOMES, 'in_process'];

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** The outcome columns with a non-zero value somewhere; a reader's table need not show empty columns. */
function usedOutcomes(rows: readonly OutcomeCounts[]): OutcomeKey[] {
  return OUTCOME_KEYS.filter((k) => rows.some((r) => (r[k] ?? 0) > 0));
}

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

const WINDOW_NAMES: Record<UncoveredDays['kind'], string> = {
  nsl: 'National Security Letters',
  fisa: 'FISA orders and directives',
  combined: 'national-security process',
};

/** One sentence per range of days no window covers, saying where they are reported (or that they are not). */
export function uncoveredText(gaps: readonly UncoveredDays[]): string[] {
  return gaps.map(
    (g) =>
      `${g.start === g.end ? `The day ${g.start}` : `The days ${g.start} to ${g.end}`} of this period ` +
      `(${WINDOW_NAMES[g.kind]}) are not covered by this report: ` +
      (g.appears_in === null
        ? 'no report covers them, because the 180-day and one-year windows of the statute leave them out.'
        : `they appear in the report for ${g.appears_in}.`),
  );
}

/**
 * Rows keyed by country and process type as a grouped table: each country (a group row with its sums) and the
 * legal process types it used, in by_country order, then the total.
 */
function byCountryAndProcess<R extends { country: string; process_type: ProcessType }>(
  t: ReportData['tables'],
  rows: readonly R[],
  columns: ReadonlyArray<(r: R) => number>,
): DocTable['rows'] {
  const sums = (rs: readonly R[]) => columns.map((c) => sum(rs.map(c)));
  const out: DocTable['rows'] = [];
  for (const c of t.by_country) {
    const mine = rows.filter((r) => r.country === c.country);
    if (mine.length === 0) continue;
    out.push({ kind: 'group', cells: [c.country_name, ...sums(mine)] });
    for (const r of mine)
      out.push({
        kind: 'normal',
        indent: true,
        cells: [PROCESS_LABELS[r.process_type], ...columns.map((col) => col(r))],
      });
  }
  out.push({ kind: 'total', cells: ['Total', ...sums(rows)] });
  return out;
}

function processByCountryTable(t: ReportData['tables']): DocTable {
  return {
    id: 'process_by_country',
    caption: 'Requests by country and legal process',
    head: ['Country and legal process', 'Requests'],
    rows: byCountryAndProcess(t, t.process_by_country ?? [], [(r) => r.requests]),
  };
}

function dataSoughtTable(t: ReportData['tables']): DocTable {
  return {
    id: 'data_sought',
    caption: 'What the requests sought, by country and legal process',
    head: [
      'Country and legal process',
      'Requests',
      'Content',
      'Other non-content',
      'Basic subscriber only',
      'No data',
    ],
    rows: byCountryAndProcess(t, t.data_sought ?? [], [
      (r) => r.requests,
      (r) => r.content,
      (r) => r.non_content,
      (r) => r.basic_subscriber,
      (r) => r.nothing,
    ]),
    note:
      'Each request is counted once, by the broadest data it sought: content, else other non-content records, ' +
      'else basic subscriber information only. "No data": preservation and takedown requests, or none recorded. ' +
      'What we produced is in the outcome tables.',
  };
}

/** Time to respond: each process type with its emergency and other requests below it, then all together. */
function responseTimeTable(t: ReportData['tables']): DocTable {
  const rows = t.response_time ?? [];
  const v = (x: number | null): Cell => (x === null ? '' : x);
  const cells = (label: string, r: (typeof rows)[number]): Cell[] => [
    label,
    r.requests,
    r.responded,
    v(r.median_hours),
    v(r.p90_hours),
  ];
  const out: DocTable['rows'] = [];
  for (const both of rows.filter((r) => r.emergency === null)) {
    const kinds = rows.filter(
      (r) => r.process_type === both.process_type && r.emergency !== null && r.requests > 0,
    );
    const total = both.process_type === null;
    out.push({
      kind: total ? 'total' : 'normal',
      cells: cells(total ? 'All legal process' : PROCESS_LABELS[both.process_type!], both),
    });
    // A process type with one kind of request says it once; "All" always shows both kinds.
    if (total || kinds.length > 1)
      for (const r of rows.filter((x) => x.process_type === both.process_type && x.emergency !== null))
        out.push({
          kind: 'normal',
          indent: true,
          cells: cells(r.emergency ? 'Emergency' : 'Not an emergency', r),
        });
  }
  return {
    id: 'response_time',
    caption: 'Time to respond, by legal process (hours from receipt)',
    head: ['Legal process', 'Requests', 'Answered', 'Median hours', '90th percentile hours'],
    rows: out,
    note:
      'Hours from receipt to our response, for the requests answered with a recorded response time; a blank ' +
      'means none was answered. Nine in ten answered requests took no longer than the 90th percentile.',
  };
}

export function periodText(data: ReportData): string {
  return `${formatDate(data.period.start)} to ${formatDate(data.period.end)}`;
}

const ACCOUNTS_ONCE =
  'An account named in several requests is counted in every row that names it, and once in the total.';

/** Build the document model of a report. */
export function reportDocument(data: ReportData): ReportDocument {
  const t = data.tables;
  const sections: DocSection[] = [];
  const s = t.summary;
  // Version 5 splits the headline into data demands and takedowns; earlier versions render as they did.
  const split = hasDemandSplit(t);
  const splitHeads = split ? DEMAND_HEADS : [];
  const bySplit = countrySplit(t);

  sections.push({
    id: 'received',
    heading: split
      ? 'What government requests did we receive?'
      : 'What government requests for customer information did we receive?',
    paragraphs: [
      split
        ? receivedSplitText(t, periodText(data))
        : `From ${periodText(data)} we received ${plural(s.requests.count, 'request', 'requests')} for customer ` +
          `information, specifying ${plural(s.identifiers_specified.count, 'identifier', 'identifiers')} and ` +
          `${plural(s.accounts_specified.count, 'customer account', 'customer accounts')}. We produced data for ` +
          `${plural(s.accounts_with_data_produced.count, 'account', 'accounts')}. ` +
          `${plural(s.in_process.count, 'request was', 'requests were')} still in process at the end of the period.`,
    ],
    tables: [
      {
        id: 'summary',
        caption: 'Summary',
        head: ['Measure', 'Count', 'Share', 'Of'],
        rows: (Object.keys(SUMMARY_LABELS) as Array<keyof typeof SUMMARY_LABELS>).flatMap((k) => [
          {
            kind: 'normal' as const,
            cells: [SUMMARY_LABELS[k], s[k].count, formatPct(s[k].pct), s[k].base.replace(/_/g, ' ')],
          },
          ...(k === 'requests' ? summarySplitRows(t) : []),
        ]),
      },
      ...identifierKindTables(t),
    ],
    charts: [],
  });

  // Where: US first, then each region with its countries.
  const us = t.by_country.filter((c) => c.country === 'US');
  const intl = t.by_country.filter((c) => c.country !== 'US');
  const codes = (cs: typeof t.by_country) => cs.map((c) => c.country);
  const countryRows: DocTable['rows'] = us.map((c) => ({
    kind: 'normal',
    cells: [c.country_name, c.requests, ...bySplit([c.country]), c.accounts_specified],
  }));
  if (intl.length > 0) {
    countryRows.push({
      kind: 'total',
      cells: [
        'International',
        sum(intl.map((c) => c.requests)),
        ...bySplit(codes(intl)),
        sum(intl.map((c) => c.accounts_specified)),
      ],
    });
  }
  for (const region of REGIONS) {
    const rows = intl.filter((c) => c.region === region);
    if (rows.length === 0) continue;
    countryRows.push({
      kind: 'group',
      cells: [
        region,
        sum(rows.map((c) => c.requests)),
        ...bySplit(codes(rows)),
        sum(rows.map((c) => c.accounts_specified)),
      ],
    });
    for (const c of rows) {
      countryRows.push({
        kind: 'normal',
        indent: true,
        cells: [c.country_name, c.requests, ...bySplit([c.country]), c.accounts_specified],
      });
    }
  }
  // The total counts each account once, as the summary does; rows count an account in every row naming it.
  countryRows.push({
    kind: 'total',
    cells: [
      'Total',
      sum(t.by_country.map((c) => c.requests)),
      ...bySplit(codes(t.by_country)),
      s.accounts_specified.count,
    ],
  });
  const usTotal = sum(us.map((c) => c.requests));
  sections.push({
    id: 'where',
    heading: 'Where did the requests come from?',
    paragraphs: [
      `${plural(usTotal, 'request', 'requests')} came from the United States (federal, state and local) and ` +
        `${formatCount(sum(intl.map((c) => c.requests)))} from other countries.`,
    ],
    tables: [
      {
        id: 'by_country',
        caption: 'Requests by country',
        head: ['Country', 'Requests', ...splitHeads, 'Accounts specified'],
        rows: countryRows,
        note: split ? `${SPLIT_NOTE} ${ACCOUNTS_ONCE}` : ACCOUNTS_ONCE,
      },
      ...(t.process_by_country ? [processByCountryTable(t)] : []),
      {
        id: 'us_by_level',
        caption: 'United States: requests by level of government',
        head: ['Level', 'Requests', 'Accounts specified'],
        // "Not recorded" (history) only where it has requests: earlier versions had no such row.
        rows: (Object.keys(LEVEL_LABELS) as Array<keyof typeof LEVEL_LABELS>).flatMap((k) => {
          const l = t.us_by_level[k];
          if (!l || (k === 'not_recorded' && l.requests === 0)) return [];
          return [{ kind: 'normal' as const, cells: [LEVEL_LABELS[k], l.requests, l.accounts_specified] }];
        }),
      },
      ...(t.us_by_state.length > 0
        ? [
            {
              id: 'us_by_state',
              caption: 'United States: state and local requests by state',
              head: ['State', 'Code', 'Requests'],
              rows: t.us_by_state.map((r) => ({
                kind: 'normal' as const,
                cells: [r.name, r.subdivision, r.requests],
              })),
            },
          ]
        : []),
      {
        id: 'international_channel',
        caption: 'How the requests reached us',
        head: ['Channel', 'Requests', ...splitHeads],
        rows: LEGAL_CHANNELS.map((c) => ({
          kind: 'normal',
          cells: [CHANNEL_LABELS[c], t.international_channel[c], ...channelSplit(t, c)],
        })),
        ...(split ? { note: SPLIT_NOTE } : {}),
      },
    ],
    charts: ['by_country'],
  });

  const po = usedOutcomes(t.process_outcome.map((r) => r.outcomes));
  const co = usedOutcomes(t.by_country.map((r) => r.outcomes));
  sections.push({
    id: 'what',
    heading: 'What did we do?',
    paragraphs: [
      `We rejected ${plural(t.pushback.rejected, 'request', 'requests')} and narrowed ${formatCount(t.pushback.narrowed)}. ` +
        `${plural(t.pushback.withdrawn + t.pushback.withdrawn_after_notice_policy, 'request was', 'requests were')} ` +
        `withdrawn, ${formatCount(t.pushback.withdrawn_after_notice_policy)} of them after the agency learned that we notify ` +
        `our customers.`,
    ],
    tables: [
      ...(t.data_sought ? [dataSoughtTable(t)] : []),
      {
        id: 'process',
        caption: 'Requests by legal process',
        head: ['Legal process', 'Requests', 'Accounts specified', 'Accounts with data produced'],
        rows: [
          ...t.process_outcome.map((r) => ({
            kind: 'normal' as const,
            cells: [
              PROCESS_LABELS[r.process_type],
              r.requests,
              r.accounts_specified,
              r.accounts_with_data_produced,
            ],
          })),
          {
            kind: 'total',
            cells: [
              'Total',
              sum(t.process_outcome.map((r) => r.requests)),
              s.accounts_specified.count,
              s.accounts_with_data_produced.count,
            ],
          },
        ],
        note: ACCOUNTS_ONCE,
      },
      {
        id: 'process_outcome',
        caption: 'Outcomes by legal process (requests)',
        head: ['Legal process', ...po.map((k) => OUTCOME_LABELS[k])],
        rows: [
          ...t.process_outcome.map((r) => ({
            kind: 'normal' as const,
            cells: [PROCESS_LABELS[r.process_type], ...po.map((k) => r.outcomes[k] ?? 0)],
          })),
          {
            kind: 'total',
            cells: ['Total', ...po.map((k) => sum(t.process_outcome.map((r) => r.outcomes[k] ?? 0)))],
          },
        ],
        note: 'Outcome columns that are zero in every row are left out here; the CSV and JSON carry them.',
      },
      {
        id: 'country_outcome',
        caption: 'Outcomes by country',
        head: ['Country', 'Requests', ...co.map((k) => OUTCOME_LABELS[k])],
        rows: t.by_country.map((r) => ({
          kind: 'normal',
          cells: [r.country_name, r.requests, ...co.map((k) => r.outcomes[k] ?? 0)],
        })),
      },
      ...dataProducedTables(t),
      {
        id: 'pushback',
        caption: 'Pushback',
        head: ['What we did', 'Requests'],
        rows: [
          { kind: 'normal', cells: ['Rejected', t.pushback.rejected] },
          { kind: 'normal', cells: ['Narrowed', t.pushback.narrowed] },
          { kind: 'normal', cells: ['Withdrawn by the agency', t.pushback.withdrawn] },
          {
            kind: 'normal',
            cells: [
              'Withdrawn after the agency learned of our notice policy',
              t.pushback.withdrawn_after_notice_policy,
            ],
          },
          ...challengeRows(t),
        ],
        ...(pushbackNote(t) || t.pushback.court_challenges
          ? {
              note: [pushbackNote(t), t.pushback.court_challenges ? CHALLENGE_NOTE : undefined]
                .filter(Boolean)
                .join(' '),
            }
          : {}),
      },
      ...accessModeTables(t),
    ],
    charts: ['outcomes', 'process_types'],
  });

  if (t.response_time) {
    const all = t.response_time.find((r) => r.process_type === null && r.emergency === null);
    const em = t.response_time.find((r) => r.process_type === null && r.emergency === true);
    const within = (r: (typeof t.response_time)[number] | undefined, what: string) =>
      r && r.median_hours !== null && r.p90_hours !== null
        ? `Half of the ${what} we answered were answered within ${formatCount(r.median_hours)} hours of ` +
          `receipt, and nine in ten within ${formatCount(r.p90_hours)} hours.`
        : `No ${what.replace(/s$/, '')} was answered with a recorded response time.`;
    sections.push({
      id: 'response_time',
      heading: 'How long did we take to respond?',
      paragraphs: [`${within(all, 'requests')} ${within(em, 'emergency requests')}`],
      tables: [responseTimeTable(t)],
      charts: ['response_time'],
    });
  }

  sections.push({
    id: 'notice',
    heading: 'Did we tell our customers?',
    paragraphs: [
      'We notify customers of requests for their information unless a statute, warrant, subpoena or court ' +
        'or administrative order forbids it, or an emergency makes it unsafe to do so for a time.',
    ],
    tables: [
      {
        id: 'notice',
        caption: 'Customer notice (per request)',
        head: ['Notice', 'Requests', ...splitHeads],
        // "Not recorded" (history) only where it has requests: earlier versions had no such row.
        rows: NOTICE_ROWS.flatMap(([k, label]) =>
          k === 'not_recorded' && !t.notice[k]
            ? []
            : [
                {
                  kind: 'normal' as const,
                  indent: label.startsWith('  '),
                  cells: [label.trim(), t.notice[k] ?? 0, ...noticeSplit(t, k)],
                },
              ],
        ),
        ...(split ? { note: SPLIT_NOTE } : {}),
      },
    ],
    charts: ['notice'],
  });

  const em = t.emergency;
  const emOutcomes = usedOutcomes([em.us.outcomes, em.non_us.outcomes]);
  sections.push({
    id: 'emergency',
    heading: 'Did we disclose information in emergencies?',
    paragraphs: [
      'The law allows a provider to disclose information without legal process when it believes in good faith ' +
        'that an emergency involving danger of death or serious physical injury requires it. We verify every ' +
        'such request with the agency.',
    ],
    tables: [
      {
        id: 'emergency',
        caption: 'Emergency requests',
        head: [
          'From',
          'Requests',
          'Accounts specified',
          'Accounts with data',
          ...emOutcomes.map((k) => OUTCOME_LABELS[k]),
        ],
        rows: (
          [
            ['United States', em.us],
            ['Other countries', em.non_us],
          ] as const
        ).map(([label, p]) => ({
          kind: 'normal',
          cells: [
            label,
            p.requests,
            p.accounts_specified,
            p.accounts_with_data_produced,
            ...emOutcomes.map((k) => p.outcomes[k] ?? 0),
          ],
        })),
      },
    ],
    charts: [],
  });

  sections.push({
    id: 'preservation',
    heading: 'Did we preserve records?',
    paragraphs: [
      'A preservation request asks us to keep records until legal process arrives. Nothing is disclosed.',
    ],
    tables: [
      {
        id: 'preservation',
        caption: 'Preservation requests',
        head: ['Measure', 'Count'],
        rows: [
          { kind: 'normal', cells: ['Requests', t.preservation.requests] },
          { kind: 'normal', cells: ['Extensions', t.preservation.extensions] },
          { kind: 'normal', cells: ['Accounts preserved', t.preservation.accounts_preserved] },
        ],
      },
    ],
    charts: [],
  });

  const tdo = usedOutcomes([t.takedown.outcomes]);
  if (split) {
    const s = takedownSection(t);
    sections.push({ ...s, tables: [...s.tables, ...accountActionTables(t)] });
  } else
    sections.push({
      id: 'takedown',
      heading: 'Were we asked to take content down?',
      paragraphs: [
        `We received ${plural(t.takedown.requests, 'takedown request', 'takedown requests')} naming ` +
          `${plural(t.takedown.items, 'item', 'items')} of content.`,
      ],
      tables: [
        {
          id: 'takedown',
          caption: 'Takedown requests by action taken',
          head: ['Action', 'Requests'],
          rows: tdo.map((k) => ({ kind: 'normal', cells: [OUTCOME_LABELS[k], t.takedown.outcomes[k] ?? 0] })),
        },
        ...accountActionTables(t),
      ],
      charts: [],
    });

  // Versions frozen before these were reported keep their bytes: the sections appear only with the data.
  const informal = informalSection(t);
  if (informal) sections.push(informal);
  const civil = t.civil_litigants;
  if (civil) {
    const cio = usedOutcomes([civil.outcomes]);
    sections.push({
      id: 'civil_litigants',
      heading: 'Did private parties to lawsuits ask for customer information?',
      paragraphs: [
        `We received ${plural(civil.requests, 'request', 'requests')} from private (civil) litigants, ` +
          `specifying ${plural(civil.accounts_specified, 'customer account', 'customer accounts')}. ` +
          'They are not government requests and are counted in no other figure of this report. The law bars ' +
          'us from giving them the content of communications (18 U.S.C. 2702(a)). We produced data for ' +
          `${plural(civil.accounts_with_data_produced, 'account', 'accounts')}; ` +
          `${plural(civil.in_process, 'request was', 'requests were')} still in process at the end of the period.`,
      ],
      tables: [
        {
          id: 'civil_litigants',
          caption: 'Requests from civil litigants by outcome',
          head: ['Outcome', 'Requests'],
          rows: [
            ...cio.map((k) => ({
              kind: 'normal' as const,
              cells: [OUTCOME_LABELS[k], civil.outcomes[k] ?? 0],
            })),
            { kind: 'total', cells: ['Total', civil.requests] },
          ],
        },
      ],
      charts: [],
    });
  }
  const overrides = t.history_overrides;
  if (overrides) {
    sections.push({
      id: 'history_overrides',
      heading: 'Did we record any request against our own rules?',
      paragraphs: [
        overrides.requests === 0
          ? 'No request in this report was recorded with a history override.'
          : `${plural(overrides.requests, 'request', 'requests')} in this report (government or civil ` +
            `litigant) ${overrides.requests === 1 ? 'was' : 'were'} brought in from another system with a ` +
            'history override: a fact our rules would refuse today, such as a notice recorded as sent while ' +
            'a non-disclosure order was in force, kept with its written reason in our audit log.',
      ],
      tables: [],
      charts: [],
    });
  }

  const ns = t.national_security;
  sections.push({
    id: 'national_security',
    heading: 'What national security requests did we receive?',
    paragraphs: ns
      ? [
          `The law allows us to report National Security Letters and FISA orders only in bands of ${formatCount(ns.band_width)} ` +
            `(${ns.statute}), each for the period the law sets, which is not the period of this report.` +
            // Versions frozen before the gaps were computed keep their wording (their bytes are hashed).
            (ns.uncovered
              ? ` The periods below are those of a report published on ${ns.publication_date}.`
              : ''),
          ...uncoveredText(ns.uncovered ?? []),
        ]
      : ['We do not publish national-security figures in this report.'],
    tables: ns
      ? [
          {
            id: 'national_security',
            caption: `National security process (bands of ${formatCount(ns.band_width)})`,
            head: ['Process', 'Period covered', 'Requests received', 'Selectors targeted'],
            rows: ns.entries.map((e) => ({
              kind: 'normal',
              cells: [
                e.period
                  ? `${NATIONAL_SECURITY_LABELS[e.kind]}, ${e.period}`
                  : NATIONAL_SECURITY_LABELS[e.kind],
                `${e.window.start} to ${e.window.end}`,
                bandText(e.requests),
                bandText(e.selectors),
              ],
            })),
          },
        ]
      : [],
    charts: [],
  });

  // Only where the provider reports foreign national-security orders (in bands): otherwise not a word.
  if (t.foreign_national_security) sections.push(foreignNationalSecuritySection(t.foreign_national_security));

  const dsa = t.dsa;
  if (dsa) {
    const rows = dsa.rows.filter((r) => r.keyword === null);
    const v = (x: number | null): Cell => (x === null ? '' : x);
    sections.push({
      id: 'dsa',
      heading: 'What orders did we receive from EU Member States?',
      paragraphs: [
        'Orders to act against illegal content (Art. 9) and to provide information (Art. 10) of the EU Digital ' +
          'Services Act, by category and issuing Member State, with median hours from delivery. The full ' +
          'Annex I template is published as CSV beside this report.',
        ...(rows.length === 0 ? ['We received no such order in this period.'] : []),
      ],
      tables:
        rows.length === 0
          ? []
          : [
              {
                id: 'dsa_act',
                caption: 'Orders to act against illegal content (DSA Art. 9)',
                head: [
                  'Category',
                  'Member State',
                  'Orders',
                  'Items',
                  'Median hours to acknowledge',
                  'Median hours to effect',
                ],
                rows: rows.map((r) => ({
                  kind: r.category === 'TOTAL' && r.scope === 'TOTAL' ? 'total' : 'normal',
                  cells: [
                    dsaLabel(r.category),
                    r.scope === 'TOTAL' ? 'All' : r.scope,
                    v(r.orders_to_act),
                    v(r.items),
                    v(r.median_hours_to_acknowledge),
                    v(r.median_hours_to_effect),
                  ],
                })),
              },
              {
                id: 'dsa_information',
                caption: 'Orders to provide information (DSA Art. 10)',
                head: [
                  'Category',
                  'Member State',
                  'Orders',
                  'Median hours to acknowledge',
                  'Median hours to effect',
                ],
                rows: rows.map((r) => ({
                  kind: r.category === 'TOTAL' && r.scope === 'TOTAL' ? 'total' : 'normal',
                  cells: [
                    dsaLabel(r.category),
                    r.scope === 'TOTAL' ? 'All' : r.scope,
                    v(r.orders_to_provide_information),
                    v(r.median_hours_to_acknowledge_information),
                    v(r.median_hours_to_effect_information),
                  ],
                })),
                note: 'A blank median means no order of that kind was received, so there is no time to report.',
              },
            ],
      charts: [],
    });
  }

  if (t.changes.length > 0) {
    const v = (x: number | string | null): Cell => (x === null ? '-' : x);
    sections.push({
      id: 'changes',
      heading: 'What changed since the previous version?',
      paragraphs: [],
      tables: [
        {
          id: 'changes',
          caption: 'Changed figures',
          head: ['Figure', 'Before', 'After'],
          rows: t.changes.map((c) => ({
            kind: 'normal',
            cells: [changeLabel(c.table, c.key), v(c.before), v(c.after)],
          })),
        },
      ],
      charts: [],
    });
  }

  // Versions frozen before the policy was carried keep their bytes: the section appears only with the data.
  const policy = policyDocSections(data);
  if (policy && data.handling_policy) {
    sections.push({
      id: 'handling_policy',
      heading: data.handling_policy.title,
      paragraphs: [],
      tables: [],
      charts: [],
      policy,
    });
  }

  sections.push({
    id: 'counting',
    heading: 'How do we count?',
    paragraphs: data.counting_rules,
    tables: [],
    charts: [],
  });
  sections.push({
    id: 'definitions',
    heading: 'Definitions',
    paragraphs: [],
    tables: [
      {
        id: 'definitions',
        caption: 'Terms used in this report',
        head: ['Term', 'Meaning'],
        rows: data.definitions.map((d) => ({ kind: 'normal', cells: [d.term, d.text] })),
      },
    ],
    charts: [],
  });

  if (data.standards) sections.push(standardsAnnex(data.standards));

  const v = data.version;
  const partial = data.period.partial;
  return {
    title: 'Transparency Report',
    subtitle:
      `${data.provider.name}: government requests for customer information, ${periodText(data)}` +
      (partial ? ' (partial period)' : ''),
    marks: [...(v.status === 'draft' ? ['DRAFT'] : []), ...(partial ? ['PARTIAL PERIOD'] : [])],
    partial: partial
      ? `PARTIAL PERIOD: the period ends on ${formatDate(data.period.end)}, but these figures cover only ` +
        `${formatDate(data.period.start)} to ${formatDate(partial.through)}. Reason: ${partial.reason}`
      : null,
    facts: [
      ['Provider', data.provider.name],
      ...(data.provider.service ? [['Service', data.provider.service] as [string, string]] : []),
      ['Period', `${data.period.id} (${periodText(data)})`],
      ['Version', `${v.number} (${v.status})`],
      ['Accurate as of', data.accurate_as_of],
      ['Generated', data.generated_at],
      ['Audit log head', data.audit_head ?? 'none'],
      // The date the 1874(b) windows were computed from: kept with a frozen version, so shown with it.
      ...(t.national_security
        ? [
            [
              'Publication date',
              `${t.national_security.publication_date} (fixes the national-security windows)`,
            ] as [string, string],
          ]
        : []),
    ],
    updated: v.updated
      ? {
          banner: `UPDATED VERSION: this is version ${v.number} of this report; it replaces earlier versions, which stay published.`,
          changelog: v.changelog.map((c) => [
            `Version ${c.version}, ${c.date}`,
            `${c.what} Why: ${c.why} Method: ${c.method}`,
          ]),
        }
      : null,
    sections,
  };
}

/**
 * The standards annex: the scorecard of this report, one table per standard. Reasons for "not collected" and
 * "not applicable" go in the table's note, each once with the elements it covers, so the columns stay narrow
 * enough for the 78-column text report.
 */
function standardsAnnex(card: Scorecard): DocSection {
  const c = card.counts;
  return {
    id: 'standards',
    heading: 'Annex: which standards does this report meet?',
    paragraphs: [
      'For each element of the standards transparency reports are judged by, whether this report discloses it ' +
        'and where (the tables named), or why not: "not collected" means the report has no figure for it (a ' +
        'statement of our process rather than a count, or a breakdown we do not make). The wording of each ' +
        'element is in report.json and at the source named under each table.',
      `${c.disclosed} elements disclosed, ${c.not_collected} not collected, ${c.not_applicable} not applicable, ` +
        `${c.not_disclosed} not disclosed.`,
    ],
    tables: card.standards.map((s) => {
      const reasons = new Map<string, string[]>();
      for (const e of s.elements) {
        if (e.status !== 'not_collected' && e.status !== 'not_applicable') continue;
        const key = `${STATUS_WORDS[e.status]}: ${e.note ?? ''}`;
        reasons.set(key, [...(reasons.get(key) ?? []), e.id]);
      }
      const why = [...reasons].map(([reason, ids]) => `${ids.join(', ')} ${reason}`);
      return {
        id: `standards_${s.id}`,
        caption: s.name,
        head: ['Element', 'Status', 'Where'],
        rows: s.elements.map((e) => ({
          kind: 'normal' as const,
          cells: [
            e.id,
            STATUS_WORDS[e.status],
            e.status === 'disclosed' || e.status === 'not_disclosed'
              ? e.where.map((w) => w.replace(/^tables\./, '')).join(', ')
              : '-',
          ],
        })),
        note: [...why, `Source: ${s.source_url}`].join(' '),
      };
    }),
    charts: [],
  };
}
