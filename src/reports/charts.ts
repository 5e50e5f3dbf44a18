import type * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { OUTCOMES } from '../domain/vocabulary.ts';
import type { OutcomeCounts, ReportData } from './report-data.ts';
import { NOTICE_ROWS, OUTCOME_LABELS, PROCESS_LABELS } from './render/labels.ts';

/**
 * Charts of a report: Vega-Lite specs with inline data, rendered to SVG on the server. The same SVG goes
 * into the HTML page and the PDF. Vega's default loader would read files or URLs named in a spec, so the
 * view gets a loader that refuses every load; the specs carry all their data inline.
 */

export interface Chart {
  id: 'by_country' | 'outcomes' | 'process_types' | 'notice' | 'response_time';
  title: string;
  /** Text alternative: the chart's figures in words. */
  description: string;
  spec: TopLevelSpec;
  svg: string;
}

const refuse = (what: string) => () => Promise.reject(new Error(`charts load nothing (${what} refused)`));

/** A Vega loader that refuses every file and URL. */
export const refusingLoader: vega.Loader = {
  load: refuse('load'),
  sanitize: refuse('sanitize'),
  http: refuse('http'),
  file: refuse('file'),
} as unknown as vega.Loader;

const COLOR = '#2f5d8a';
const FONT = 'Helvetica, Arial, sans-serif';

function barSpec(
  title: string,
  description: string,
  values: Array<{ label: string; value: number }>,
  axisTitle = 'Requests',
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    title: { text: title, anchor: 'start', font: FONT, fontSize: 13 },
    width: 420,
    height: { step: 18 },
    background: 'white',
    config: {
      font: FONT,
      // labelLimit 0: Vega never cuts a label short (it would end mid-word with an ellipsis); long labels
      // widen the chart instead.
      axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 11, labelLimit: 0 },
      view: { stroke: null },
    },
    data: { values },
    layer: [
      { mark: { type: 'bar', color: COLOR } },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, font: FONT },
        encoding: { text: { field: 'value' } },
      },
    ],
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      x: { field: 'value', type: 'quantitative', title: axisTitle, axis: { tickMinStep: 1, format: 'd' } },
    },
  };
}

const describe = (intro: string, values: Array<{ label: string; value: number }>) =>
  `${intro}: ${values.map((v) => `${v.label} ${v.value}`).join(', ')}.`;

/** The chart specs for a report (pure; no rendering). `topCountries` limits the country chart. */
export function chartSpecs(data: ReportData, topCountries = 10): Array<Omit<Chart, 'svg'>> {
  const t = data.tables;
  const countries = [...t.by_country]
    .sort((a, b) => b.requests - a.requests || a.country.localeCompare(b.country))
    .slice(0, topCountries)
    .map((c) => ({ label: c.country_name, value: c.requests }));
  const totals = (rows: OutcomeCounts[]) =>
    [...OUTCOMES, 'in_process' as const]
      .map((k) => ({ label: OUTCOME_LABELS[k], value: rows.reduce((n, r) => n + (r[k] ?? 0), 0) }))
      .filter((v) => v.value > 0);
  const outcomes = totals(t.by_country.map((c) => c.outcomes));
  const processes = t.process_outcome.map((p) => ({
    label: PROCESS_LABELS[p.process_type],
    value: p.requests,
  }));
  const notice = NOTICE_ROWS.filter(
    ([k]) => k !== 'of_which_indefinite' && k !== 'given_after_order_expired',
  ).map(([k, label]) => ({ label: label.trim(), value: t.notice[k] ?? 0 }));
  const chart = (
    id: Chart['id'],
    title: string,
    values: Array<{ label: string; value: number }>,
    axisTitle?: string,
  ) => {
    const description = describe(title, values);
    return { id, title, description, spec: barSpec(title, description, values, axisTitle) };
  };
  // Median hours to respond per process type (both kinds), where any request was answered.
  const responseTime = (t.response_time ?? [])
    .filter((r) => r.process_type !== null && r.emergency === null && r.median_hours !== null)
    .map((r) => ({ label: PROCESS_LABELS[r.process_type!], value: r.median_hours! }));
  return [
    chart('by_country', `Requests by country (top ${countries.length})`, countries),
    chart('outcomes', 'What we did: requests by outcome', outcomes),
    chart('process_types', 'Requests by legal process', processes),
    chart('notice', 'Customer notice', notice),
    ...(t.response_time
      ? [chart('response_time', 'Median hours to respond, by legal process', responseTime, 'Hours')]
      : []),
  ];
}

// Not the HTML escaper (src/html/jsx-runtime.ts): it leaves apostrophes alone, and versions frozen before their
// files were kept (docs/reports.md) are rendered again and must match their hashes, so its bytes stay as they were.
const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Render one Vega-Lite spec to SVG with a `<title>` and `<desc>` as its text alternative. */
export async function renderChartSvg(
  id: string,
  spec: TopLevelSpec,
  title: string,
  description: string,
): Promise<string> {
  // Vega and Vega-Lite load on first use: commands that never draw a chart never pay for them.
  const [{ View, parse }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(spec).spec;
  // Vega only logs a failed load and renders an empty chart; refuse such a spec outright instead.
  if ((compiled.data ?? []).some((d) => 'url' in d))
    throw new Error(`chart ${id}: charts take inline data only`);
  const view = new View(parse(compiled), { renderer: 'none', loader: refusingLoader });
  try {
    const svg = await view.toSVG();
    const a11y =
      `<title id="chart-${id}-title">${escapeXml(title)}</title>` +
      `<desc id="chart-${id}-desc">${escapeXml(description)}</desc>`;
    return svg.replace(
      /^<svg([^>]*)>/,
      `<svg$1 role="img" aria-labelledby="chart-${id}-title" aria-describedby="chart-${id}-desc">${a11y}`,
    );
  } finally {
    view.finalize();
  }
}

/** Every chart of a report, rendered. */
export async function renderCharts(data: ReportData): Promise<Chart[]> {
  const out: Chart[] = [];
  for (const c of chartSpecs(data))
    out.push({ ...c, svg: await renderChartSvg(c.id, c.spec, c.title, c.description) });
  return out;
}
