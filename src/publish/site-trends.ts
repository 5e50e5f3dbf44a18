import type { TopLevelSpec } from 'vega-lite';
import { OUTCOMES } from '../domain/vocabulary.ts';
import { renderChartSvg } from '../reports/charts.ts';
import { OUTCOME_LABELS } from '../reports/render/labels.ts';
import type { ReportData } from '../reports/report-data.ts';
import type { PeriodVersions } from './layout.ts';

/**
 * The trend charts of the site's index: one Vega-Lite spec per trend across every published period (latest
 * version of each), rendered to inline SVG with the same figures as a table behind a disclosure.
 */

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

// --- trend charts -------------------------------------------------------------------------------------

const PALETTE = [
  '#2f5d8a',
  '#e07b39',
  '#4a9c6d',
  '#c44e52',
  '#8172b2',
  '#937860',
  '#d17bb5',
  '#7f7f7f',
  '#b5a33a',
  '#3fa3bf',
  '#1b1f24',
];
const FONT = 'Helvetica, Arial, sans-serif';

function base(title: string, description: string, values: object[]): Omit<TopLevelSpec, 'mark'> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    title: { text: title, anchor: 'start', font: FONT, fontSize: 14 },
    width: 460,
    height: 220,
    background: 'white',
    config: {
      font: FONT,
      axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11 },
      legend: {
        labelFont: FONT,
        titleFont: FONT,
        labelFontSize: 11,
        orient: 'bottom',
        columns: 2,
        labelLimit: 0,
      },
      view: { stroke: null },
    },
    data: { values },
  } as Omit<TopLevelSpec, 'mark'>;
}

const periodAxis = { field: 'period', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -40 } };

interface Trend {
  id: string;
  title: string;
  /** The chart's text alternative (the SVG's description): every figure it shows, in words. */
  description: string;
  /** One sentence under the chart. */
  caption: string;
  /** The same figures as a table, one row per period, behind a disclosure under the chart. */
  table: { head: string[]; rows: Array<Array<string | number>> };
  spec: TopLevelSpec;
}

/** Trend chart specs across every period (latest version of each), data inline. */
export function trendSpecs(periods: PeriodVersions[]): Trend[] {
  const latest = periods.map((p) => p.latest.data);
  const list = (f: (d: ReportData) => string) => latest.map((d) => `${d.period.id} ${f(d)}`).join(', ');

  const requests = latest.map((d) => ({ period: d.period.id, value: d.tables.summary.requests.count }));
  const requestsDesc = `Requests received per period: ${list((d) => String(d.tables.summary.requests.count))}.`;

  const accounts = latest.flatMap((d) => [
    { period: d.period.id, series: 'Accounts specified', value: d.tables.summary.accounts_specified.count },
    {
      period: d.period.id,
      series: 'Accounts with data produced',
      value: d.tables.summary.accounts_with_data_produced.count,
    },
  ]);
  const accountsDesc = `Accounts specified and accounts with data produced per period: ${list(
    (d) =>
      `${d.tables.summary.accounts_specified.count} and ${d.tables.summary.accounts_with_data_produced.count}`,
  )}.`;

  const keys = [...OUTCOMES, 'in_process' as const];
  const outcomeTotals = (d: ReportData) =>
    keys.map((k) => ({ k, n: d.tables.by_country.reduce((s, c) => s + (c.outcomes[k] ?? 0), 0) }));
  const usedKeys = keys.filter((k) => latest.some((d) => outcomeTotals(d).find((o) => o.k === k)!.n > 0));
  const outcomes = latest.flatMap((d) =>
    outcomeTotals(d)
      .filter((o) => usedKeys.includes(o.k))
      .map((o) => ({
        period: d.period.id,
        outcome: OUTCOME_LABELS[o.k],
        order: keys.indexOf(o.k),
        value: o.n,
      })),
  );
  const outcomesDesc = `Share of requests by outcome per period: ${latest
    .map(
      (d) =>
        `${d.period.id}: ${outcomeTotals(d)
          .filter((o) => o.n > 0)
          .map((o) => `${OUTCOME_LABELS[o.k]} ${o.n}`)
          .join(', ')}`,
    )
    .join('; ')}.`;

  // Notice rate: of the requests where notice applied (every notice category but "not applicable"), how
  // many were notified. The base comes from the notice table itself, never from another table's count.
  const notice = latest.map((d) => {
    const n = d.tables.notice;
    const applies = n.given + n.prevented_by_order + n.delayed_emergency + n.not_possible + n.pending;
    return { period: d.period.id, rate: applies > 0 ? n.given / applies : 0, given: n.given, applies };
  });
  const noticeDesc = `Requests whose customer we notified, as a share of requests where notice applied: ${notice
    .map((n) => `${n.period} ${n.given} of ${n.applies}`)
    .join(', ')}.`;

  const countryTotals = new Map<string, { name: string; n: number }>();
  for (const d of latest)
    for (const c of d.tables.by_country) {
      const t = countryTotals.get(c.country) ?? { name: c.country_name, n: 0 };
      t.n += c.requests;
      countryTotals.set(c.country, t);
    }
  const top = [...countryTotals.entries()]
    .sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([code]) => code);
  const countryNames = [...top.map((c) => countryTotals.get(c)!.name), 'All other countries'];
  const byCountry = latest.flatMap((d) =>
    [
      ...top.map((code) => ({
        period: d.period.id,
        country: countryTotals.get(code)!.name,
        value: d.tables.by_country.find((c) => c.country === code)?.requests ?? 0,
      })),
      {
        period: d.period.id,
        country: 'All other countries',
        value: d.tables.by_country
          .filter((c) => !top.includes(c.country))
          .reduce((s, c) => s + c.requests, 0),
      },
    ].map((r) => ({ ...r, order: countryNames.indexOf(r.country) })),
  );
  const countryDesc = `Requests per period by requesting country (top ${top.length} and the rest): ${latest
    .map(
      (d) =>
        `${d.period.id}: ${byCountry
          .filter((r) => r.period === d.period.id)
          .map((r) => `${r.country} ${r.value}`)
          .join(', ')}`,
    )
    .join('; ')}.`;

  const labels = { mark: { type: 'text', dy: -6, fontSize: 10, font: FONT } } as const;
  return [
    {
      id: 'trend-requests',
      title: 'Requests received',
      description: requestsDesc,
      caption: 'Requests received in each period.',
      table: { head: ['Period', 'Requests'], rows: requests.map((r) => [r.period, r.value]) },
      spec: {
        ...base('Requests received', requestsDesc, requests),
        encoding: {
          x: periodAxis,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'Requests',
            axis: { format: 'd', tickMinStep: 1 },
          },
        },
        layer: [
          { mark: { type: 'bar', color: PALETTE[0] } },
          { ...labels, encoding: { text: { field: 'value' } } },
        ],
      } as TopLevelSpec,
    },
    {
      id: 'trend-accounts',
      title: 'Accounts',
      description: accountsDesc,
      caption: 'Accounts named in requests, and accounts for which we produced data.',
      table: {
        head: ['Period', 'Accounts specified', 'Accounts with data produced'],
        rows: latest.map((d) => [
          d.period.id,
          d.tables.summary.accounts_specified.count,
          d.tables.summary.accounts_with_data_produced.count,
        ]),
      },
      spec: {
        ...base('Accounts', accountsDesc, accounts),
        mark: { type: 'line', point: true, strokeWidth: 2.5 },
        encoding: {
          x: periodAxis,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'Accounts',
            axis: { format: 'd', tickMinStep: 1 },
          },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { range: [PALETTE[0], PALETTE[1]] },
          },
        },
      } as TopLevelSpec,
    },
    {
      id: 'trend-outcomes',
      title: 'Outcome mix',
      description: outcomesDesc,
      caption: 'What we did with the requests of each period, as shares of its requests.',
      table: {
        head: ['Period', ...usedKeys.map((k) => OUTCOME_LABELS[k])],
        rows: latest.map((d) => [
          d.period.id,
          ...usedKeys.map((k) => outcomeTotals(d).find((o) => o.k === k)!.n),
        ]),
      },
      spec: {
        ...base('What we did: outcome mix', outcomesDesc, outcomes),
        mark: { type: 'bar' },
        encoding: {
          x: periodAxis,
          y: {
            field: 'value',
            type: 'quantitative',
            stack: 'normalize',
            title: 'Share of requests',
            axis: { format: '%' },
          },
          color: {
            field: 'outcome',
            type: 'nominal',
            title: null,
            sort: usedKeys.map((k) => OUTCOME_LABELS[k]),
            scale: { domain: usedKeys.map((k) => OUTCOME_LABELS[k]), range: PALETTE },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      } as TopLevelSpec,
    },
    {
      id: 'trend-notice',
      title: 'Notice rate',
      description: noticeDesc,
      caption: 'Of the requests where notice applied, the share whose customer we notified.',
      table: {
        head: ['Period', 'Customer notified', 'Notice applied', 'Share'],
        rows: notice.map((n) => [n.period, n.given, n.applies, pct(n.applies > 0 ? n.rate : null)]),
      },
      spec: {
        ...base('Notice rate', noticeDesc, notice),
        mark: { type: 'line', point: true, strokeWidth: 2.5, color: PALETTE[2] },
        encoding: {
          x: periodAxis,
          y: {
            field: 'rate',
            type: 'quantitative',
            title: 'Share notified',
            scale: { domain: [0, 1] },
            axis: { format: '%' },
          },
        },
      } as TopLevelSpec,
    },
    {
      id: 'trend-countries',
      title: 'By country',
      description: countryDesc,
      caption: `Requests from the ${top.length} countries that sent the most, and from all others.`,
      table: {
        head: ['Period', ...countryNames],
        rows: latest.map((d) => [
          d.period.id,
          ...countryNames.map(
            (c) => byCountry.find((r) => r.period === d.period.id && r.country === c)!.value,
          ),
        ]),
      },
      spec: {
        ...base('Requests by country', countryDesc, byCountry),
        mark: { type: 'bar' },
        encoding: {
          x: periodAxis,
          y: { field: 'value', type: 'quantitative', title: 'Requests', axis: { format: 'd' } },
          color: {
            field: 'country',
            type: 'nominal',
            title: null,
            sort: countryNames,
            scale: { domain: countryNames, range: [...PALETTE.slice(0, top.length), '#b9c6d3'] },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      } as TopLevelSpec,
    },
  ];
}

/** The trend charts of the site's index, each with its SVG rendered (the page lays them out: site.tsx). */
export async function trendCharts(
  periods: PeriodVersions[],
): Promise<Array<ReturnType<typeof trendSpecs>[number] & { svg: string }>> {
  const out = [];
  for (const t of trendSpecs(periods)) {
    out.push({ ...t, svg: await renderChartSvg(t.id, t.spec, t.title, t.description) });
  }
  return out;
}
