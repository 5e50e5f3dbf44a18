import { country } from '../../domain/countries.ts';
import type { ReportData } from '../report-data.ts';
import { contentDemandTables } from './content-demand-tables.ts';
import type { DocSection, DocTable } from './document.ts';
import { OUTCOME_LABELS, formatCount, formatPct } from './labels.ts';

/**
 * Data demands apart from takedowns (schema version 5), as the reader formats show them. Twilio counted
 * every kind of request in one headline (2015-H1: 268, takedowns and preservation included); GitHub and
 * others publish takedowns apart from requests for user information. A report shows both: the headline of
 * all requests with, beside it, the requests for customer information (data demands) alone; the country,
 * channel and notice tables gain two columns, "For customer information" and "Takedown", which add up to
 * the "Requests" column row by row; and the takedowns have their own section with their own totals.
 *
 * Versions frozen before version 5 carry none of this and render as they did (their bytes are hashed).
 */

type Tables = ReportData['tables'];

/** The two column headings added beside "Requests". */
export const DEMAND_HEADS = ['For customer information', 'Takedown'] as const;

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Whether the report has the data-demand split (schema version 5 and later). */
export function hasDemandSplit(t: Tables): boolean {
  return t.data_demands !== undefined && t.summary.data_demands !== undefined;
}

/**
 * The data-demand and takedown requests of a group of countries (a row, a region, all): two cells to put
 * beside the row's requests, or none for a version frozen before the split.
 */
export function countrySplit(t: Tables): (countries: readonly string[]) => number[] {
  if (!hasDemandSplit(t)) return () => [];
  const of = (rows: ReadonlyArray<{ country: string; requests: number }>, cs: readonly string[]) =>
    sum(rows.filter((r) => cs.includes(r.country)).map((r) => r.requests));
  return (cs) => [of(t.data_demands!.by_country, cs), of(t.takedown.by_country ?? [], cs)];
}

/** The two cells of a channel row (none before the split). */
export function channelSplit(t: Tables, c: keyof Tables['international_channel']): number[] {
  if (!hasDemandSplit(t)) return [];
  return [t.data_demands!.international_channel[c], t.takedown.international_channel?.[c] ?? 0];
}

/** The two cells of a notice row (none before the split). */
export function noticeSplit(t: Tables, k: keyof Tables['notice']): number[] {
  if (!hasDemandSplit(t)) return [];
  return [t.data_demands!.notice[k] ?? 0, t.takedown.notice?.[k] ?? 0];
}

/** The summary rows that split the headline: for customer information, and takedowns. */
export function summarySplitRows(t: Tables): DocTable['rows'] {
  const dd = t.summary.data_demands;
  if (!dd || !hasDemandSplit(t)) return [];
  const requests = t.summary.requests.count;
  return [
    {
      kind: 'normal',
      indent: true,
      cells: ['of which for customer information', dd.count, formatPct(dd.pct), 'requests'],
    },
    {
      kind: 'normal',
      indent: true,
      cells: [
        'of which to take down content or restrict an account',
        t.takedown.requests,
        formatPct(requests === 0 ? null : t.takedown.requests / requests),
        'requests',
      ],
    },
  ];
}

/** The opening sentence of the report once the headline is split. */
export function receivedSplitText(t: Tables, period: string): string {
  const s = t.summary;
  const dd = s.data_demands?.count ?? 0;
  return (
    `From ${period} we received ${plural(s.requests.count, 'government request', 'government requests')}: ` +
    `${formatCount(dd)} for customer information and ${formatCount(t.takedown.requests)} to take down content ` +
    `or restrict an account (their own section below). Together they specified ` +
    `${plural(s.identifiers_specified.count, 'identifier', 'identifiers')} and ` +
    `${plural(s.accounts_specified.count, 'customer account', 'customer accounts')}. We produced data for ` +
    `${plural(s.accounts_with_data_produced.count, 'account', 'accounts')}. ` +
    `${plural(s.in_process.count, 'request was', 'requests were')} still in process at the end of the period.`
  );
}

export const SPLIT_NOTE =
  '"For customer information" counts every request but takedowns (requests to disclose, emergency and ' +
  'preservation requests); "Takedown" counts requests to take down content or restrict an account. The two ' +
  'add up to "Requests" in every row.';

/** The takedown section of a version 5 report: totals, actions and countries. */
export function takedownSection(t: Tables): DocSection {
  const td = t.takedown;
  const used = (Object.keys(td.outcomes) as Array<keyof typeof td.outcomes>).filter(
    (k) => (td.outcomes[k] ?? 0) > 0,
  );
  const byCountry = td.by_country ?? [];
  return {
    id: 'takedown',
    heading: 'Were we asked to take content down?',
    paragraphs: [
      `We received ${plural(td.requests, 'takedown request', 'takedown requests')} (requests to take down ` +
        `content or restrict an account), naming ${plural(td.items, 'item', 'items')} of content and ` +
        `${plural(td.accounts_specified ?? 0, 'customer account', 'customer accounts')}. We restricted content ` +
        `or the account on ${plural(td.accounts_restricted ?? 0, 'account', 'accounts')}. These requests are ` +
        'part of the headline figures and counted here apart from the requests for customer information.',
    ],
    tables: [
      {
        id: 'takedown_totals',
        caption: 'Takedown requests',
        head: ['Measure', 'Count'],
        rows: [
          { kind: 'normal', cells: ['Requests', td.requests] },
          { kind: 'normal', cells: ['Items of content named', td.items] },
          { kind: 'normal', cells: ['Accounts specified', td.accounts_specified ?? 0] },
          { kind: 'normal', cells: ['Accounts restricted', td.accounts_restricted ?? 0] },
        ],
        note: 'Items: as each request counted them, or else the identifiers it named.',
      },
      {
        id: 'takedown',
        caption: 'Takedown requests by action taken',
        head: ['Action', 'Requests'],
        rows: used.map((k) => ({ kind: 'normal', cells: [OUTCOME_LABELS[k], td.outcomes[k] ?? 0] })),
      },
      {
        id: 'takedown_by_country',
        caption: 'Takedown requests by country',
        head: ['Country', 'Requests', 'Items', 'Accounts specified'],
        rows: [
          ...byCountry.map((r) => ({
            kind: 'normal' as const,
            cells: [country(r.country).name, r.requests, r.items, r.accounts_specified],
          })),
          {
            kind: 'total',
            cells: ['Total', td.requests, td.items, td.accounts_specified ?? 0],
          },
        ],
        note: 'An account named in several requests is counted in every row that names it, and once in the total.',
      },
      ...contentDemandTables(td),
    ],
    charts: [],
  };
}
