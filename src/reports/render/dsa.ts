import { DSA_KEYWORDS_BY_CATEGORY } from '../../domain/dsa-keywords.ts';
import type { DsaCategory } from '../../domain/vocabulary.ts';
import type { DsaRow, ReportData } from '../report-data.ts';
import { csvRecords, type CsvValue } from './csv-format.ts';
import { PART2_HEADER, PART2_ROWS } from './dsa-part2.ts';

/**
 * The EU DSA transparency CSVs of Implementing Regulation (EU) 2024/2835, Annex I, for Art. 15(1)(a)
 * (Member State orders). Headers and row order reproduce the official template files; Annex II rules:
 * 0 where the obligation applies and nothing happened, blank where a figure cannot apply; medians in hours.
 */

/** Annex I Part 3 categories and their KEYWORD_* sub-categories, in template order (Part 3 has no rows for
 * notices or the provider's own terms: those two categories are Art. 16 / own-initiative only). */
const CATEGORY_TREE = DSA_KEYWORDS_BY_CATEGORY.filter(
  ([c]) => c !== 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' && c !== 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
);

/**
 * The official template's Member State block lacks KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE (its TOTAL
 * block has it). We follow the template row for row, so per-Member-State figures for that sub-category are
 * not published; its TOTAL row and the parent category's Member State rows still carry them.
 */
const OMITTED_IN_MEMBER_STATE_BLOCK = new Set(['KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE']);

/**
 * EU Member States as Eurostat writes them (Greece is EL), in the order of their English names, which is
 * the order the template's "AT [..] SE" implies.
 */
export const MEMBER_STATES = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'EL',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
] as const;

export const PART3_HEADER = [
  'Applicability',
  'Service',
  'Reporting period',
  'Category of illegal content',
  'Description of the sub-category "Other"',
  'Scope',
  'Number of orders to act against illegal content received',
  'Number of specific items of information included in the total number of orders to act against illegal content',
  'Median time to inform the authority of the receipt of the order to act against illegal content',
  'Median time to give effect to the order to act against illegal content',
  'Number of orders to provide information',
  'Median time to inform the authority of the receipt of the order to provide information',
  'Median time to give effect to the order to provide information',
  'Contextual information on number of orders to act against illegal content received',
  'Contextual information on number of specific items of information included in the total number of orders to act against illegal content',
  'Contextual information on Median time to inform the authority of the receipt of the order to act against illegal content',
  'Contextual information on Median time to give effect to the order to act against illegal content',
  'Contextual information on Number of orders to provide information',
  'Contextual information on Median time to inform the authority of the receipt of the order to provide information',
  'Contextual information on Median time to give effect to the order to provide information',
] as const;

export const PART1_HEADER = ['Applicability', 'Service', 'Indicator', 'Value'] as const;

/** Facts of Part 1 that are not in the report data: they are known only when publishing. */
export interface DsaIdentification {
  /** YYYY-MM-DD */
  publication_date: string;
  /** YYYY-MM-DD, or null for a first report. */
  previous_publication_date: string | null;
}

/** Part 1, identification of the report (`annex-i-part-1-summary.csv`). */
export function renderDsaPart1(data: ReportData, identification: DsaIdentification): string {
  const applicability = data.tables.dsa?.applicability ?? 'All';
  const rows: CsvValue[][] = [
    [applicability, '', 'Name of the service provider', data.provider.name],
    [applicability, '', 'Date of the publication of the report', identification.publication_date],
    [
      applicability,
      '',
      'Date of the publication of the latest previous report',
      identification.previous_publication_date,
    ],
    [applicability, '', 'Starting date of reporting period', data.period.start],
    [applicability, '', 'Ending date of reporting period', data.period.end],
  ];
  return csvRecords([PART1_HEADER, ...rows]);
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/**
 * Part 2, the categories and their names (`annex-i-part-2-categories-names.csv`): the template's rows with the
 * contextual information Candor can give, blank otherwise. What it knows is how it counts: the category of an
 * order is the one recorded from the order, and sub-categories only where the data carries them; the "Other"
 * sub-category rows list the descriptions the report uses for them.
 */
export function renderDsaPart2(data: ReportData): string {
  const rows = data.tables.dsa?.rows ?? [];
  const keywords = rows.some((r) => r.keyword !== null);
  const total = data.tables.dsa
    ? 'Orders from Member State authorities (Part 3) are counted under the category recorded from the order; an ' +
      'order recorded without one is counted under Category 16. ' +
      (keywords
        ? 'Sub-categories carry the orders recorded with them; a sub-category is blank where its category had ' +
          'orders recorded without one, and 0 where the others already account for them.'
        : 'The record does not hold the sub-category (keyword) of an order: in Part 3 a sub-category is 0 where ' +
          'its category had no orders and blank where it had some, as no order is attributed to a sub-category ' +
          'it did not name.')
    : null;
  let category = '';
  const out = PART2_ROWS.map(([label, description, code]): CsvValue[] => {
    if (code.startsWith('STATEMENT_CATEGORY_')) category = code;
    let context: string | null = null;
    if (code === 'TOTAL') context = total;
    if (code === 'KEYWORD_OTHER') {
      const other = [
        ...new Set(
          rows
            .filter((r) => r.category === category && r.keyword === 'KEYWORD_OTHER' && r.other_description)
            .map((r) => r.other_description as string),
        ),
      ];
      if (other.length) context = `Used for: ${other.join('; ')}`;
    }
    return [label, description, code, context];
  });
  return csvRecords([PART2_HEADER, ...out]);
}

interface SkeletonRow {
  category: 'TOTAL' | DsaCategory;
  keyword: string | null;
  scope: string;
}

/** The template's rows: every category with scope TOTAL, then every category per Member State. */
function skeleton(memberStates: readonly string[]): SkeletonRow[] {
  const block = (scope: string, omit: ReadonlySet<string>): SkeletonRow[] => [
    { category: 'TOTAL', keyword: null, scope },
    ...CATEGORY_TREE.flatMap(([category, keywords]) => [
      { category, keyword: null, scope },
      ...keywords.filter((k) => !omit.has(k)).map((keyword) => ({ category, keyword, scope })),
    ]),
  ];
  const totals = block('TOTAL', new Set());
  const perState = block('*', OMITTED_IN_MEMBER_STATE_BLOCK);
  // Within the Member State block each template row "AT [..] SE" becomes one row per Member State.
  return [...totals, ...perState.flatMap((r) => memberStates.map((scope) => ({ ...r, scope })))];
}

const key = (category: string, keyword: string | null, scope: string) =>
  `${category}|${keyword ?? ''}|${scope}`;

/** Part 3, Member States' orders (`annex-i-part-3-member-states-orders.csv`). */
export function renderDsaPart3(data: ReportData): string {
  const dsa = data.tables.dsa;
  const period = `${data.period.start}/${data.period.end}`;
  const service = dsa?.service ?? data.provider.service ?? '';
  const applicability = dsa?.applicability ?? 'All';
  const byKey = new Map<string, DsaRow>(
    (dsa?.rows ?? []).map((r) => [key(r.category, r.keyword, r.scope), r]),
  );
  const states = MEMBER_STATES.filter((m) => dsa?.member_states.includes(m));
  const blank = ['', '', '', '', '', '', ''] as const;
  const context = ['', '', '', '', '', '', ''] as const;

  const values = (s: SkeletonRow): CsvValue[] => {
    if (!dsa) return [...blank]; // Art. 15 does not apply: every figure is blank.
    const row = byKey.get(key(s.category, s.keyword, s.scope));
    if (row) {
      return [
        row.orders_to_act,
        row.items,
        row.median_hours_to_acknowledge,
        row.median_hours_to_effect,
        row.orders_to_provide_information,
        row.median_hours_to_acknowledge_information,
        row.median_hours_to_effect_information,
      ];
    }
    if (s.keyword === null) return [0, 0, null, null, 0, null, null]; // applies, none received; no median.
    // A sub-category without its own figures. Annex II: the sub-categories of a category add up to it. So it is
    // 0 when its category had no orders, or when the sub-categories that have figures already add up to the
    // category's; otherwise it is unknown and blank (Candor records the category of an order, not its
    // sub-category, and attributes no order to a sub-category the record does not name).
    const parent = byKey.get(key(s.category, null, s.scope));
    const siblings = (dsa.rows ?? []).filter(
      (r) => r.category === s.category && r.scope === s.scope && r.keyword !== null,
    );
    const accounted = (f: (r: DsaRow) => number | null): number | null => {
      const whole = parent ? f(parent) : 0;
      if (whole === 0) return 0;
      return whole !== null && sum(siblings.map((r) => f(r) ?? 0)) === whole ? 0 : null;
    };
    // No orders left for it means no items either.
    const act = accounted((r) => r.orders_to_act);
    const info = accounted((r) => r.orders_to_provide_information);
    return [act, act, null, null, info, null, null];
  };

  const rows = skeleton(states).map((s): CsvValue[] => [
    applicability,
    service,
    period,
    s.keyword ?? s.category,
    s.keyword === 'KEYWORD_OTHER'
      ? (byKey.get(key(s.category, s.keyword, s.scope))?.other_description ?? null)
      : null,
    s.scope,
    ...values(s),
    ...context,
  ]);
  return csvRecords([PART3_HEADER, ...rows]);
}
