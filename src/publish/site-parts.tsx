import { hasDsaPart2 } from '../reports/files.ts';
import { periodText } from '../reports/render/document.ts';
import { changeLabel } from '../reports/render/change-words.ts';
import type { ReportData } from '../reports/report-data.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import { raw, type Child, type Html } from '../html/jsx-runtime.ts';
import type { PeriodVersions } from './layout.ts';
import { trendCharts } from './site-trends.ts';

/** The parts of the static site's pages (site.tsx): figures, banners, download lists and tables. */

export const num = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/** The headline figures of a report, each tagged with its path in report.json. */
export function Figures(props: { d: ReportData; prefix?: string }): Html {
  const { d, prefix = '' } = props;
  const s = d.tables.summary;
  const items: Array<[string, number, string]> = [
    ['tables.summary.requests.count', s.requests.count, 'requests received'],
    ['tables.summary.accounts_specified.count', s.accounts_specified.count, 'accounts specified'],
    [
      'tables.summary.accounts_with_data_produced.count',
      s.accounts_with_data_produced.count,
      `accounts with data produced (${pct(s.accounts_with_data_produced.pct)})`,
    ],
    ['tables.pushback.rejected', d.tables.pushback.rejected, 'requests rejected'],
    ['tables.notice.given', d.tables.notice.given, 'requests whose customer we notified'],
    ['tables.summary.in_process.count', s.in_process.count, 'still in process at period end'],
  ];
  return (
    <ul class="figures" aria-label={`Key figures${prefix ? `, ${prefix}` : ''}`}>
      {items.map(([path, n, label]) => (
        <li>
          <span class="n" data-figure={path}>
            {num(n)}
          </span>
          <span class="l">{label}</span>
        </li>
      ))}
    </ul>
  );
}

export function UpdatedBanner(props: { d: ReportData }): Html | null {
  const d = props.d;
  if (!d.version.updated) return null;
  const entries = [...d.version.changelog].reverse();
  return (
    <section class="updated" aria-label="Updated version">
      <p>
        <strong>Updated version {d.version.number}.</strong> This report was corrected; earlier versions stay
        published below.
      </p>
      <ul>
        {entries.map((c) => (
          <li>
            <strong>
              Version {c.version}, {c.date}
            </strong>
            : {c.what} <em>Why:</em> {c.why} <em>Method:</em> {c.method}
          </li>
        ))}
      </ul>
    </section>
  );
}

const FORMATS: Array<[string, string]> = [
  ['report.html', 'Web page'],
  ['report.pdf', 'PDF'],
  ['report.txt', 'Text'],
  ['report.md', 'Markdown'],
  ['report.csv', 'CSV'],
  ['report.json', 'JSON'],
];

export function Downloads(props: { base: string; v: FrozenVersion; label: string }): Html {
  const { base, v } = props;
  const links: Array<[string, string]> = FORMATS.map(([f, name]) => [`${base}${f}`, name]);
  if (v.data.tables.dsa)
    links.push(
      [`${base}dsa/part1.csv`, 'DSA part 1'],
      ...(hasDsaPart2(v.data) ? [[`${base}dsa/part2.csv`, 'DSA part 2'] as [string, string]] : []),
      [`${base}dsa/part3.csv`, 'DSA part 3'],
    );
  return (
    <ul class="dl" aria-label={props.label}>
      {links.map(([href, name]) => (
        <li>
          <a href={href}>{name}</a>
        </li>
      ))}
    </ul>
  );
}

export function VersionTag(props: { v: FrozenVersion }): Html {
  return props.v.number > 1 ? (
    <span class="tag corr">v{props.v.number} correction</span>
  ) : (
    <span class="tag">v1</span>
  );
}

/** A table that scrolls sideways on a phone, with its caption and column heads. */
export function Table(props: { caption: string; head: Array<[string, boolean?]>; children: Child }): Html {
  return (
    <div class="scroll">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.head.map(([text, numeric]) => (
              <th scope="col" class={numeric ? 'num' : undefined}>
                {text}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** Each trend chart with its figures in a table under it (the chart's text alternative for every reader). */
export function TrendFigures(props: { charts: Awaited<ReturnType<typeof trendCharts>> }): Html {
  const cell = (c: string | number) => (typeof c === 'number' ? num(c) : c);
  return (
    <>
      {props.charts.map((t) => (
        <figure id={t.id}>
          {raw(t.svg)}
          <figcaption>
            {t.caption}
            <details>
              <summary>The figures</summary>
              <div class="scroll">
                <table>
                  <caption>{t.title}, by period</caption>
                  <thead>
                    <tr>
                      {t.table.head.map((x, i) => (
                        <th scope="col" class={i ? 'num' : undefined}>
                          {x}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {t.table.rows.map(([p, ...xs]) => (
                      <tr>
                        <th scope="row">{cell(p!)}</th>
                        {xs.map((x) => (
                          <td class="num">{cell(x)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </figcaption>
        </figure>
      ))}
    </>
  );
}

// --- pages ------------------------------------------------------------------------------------------

export function PeriodsTable(props: { periods: PeriodVersions[] }): Html {
  return (
    <Table
      caption="Published reports, newest first"
      head={[
        ['Period'],
        ['Requests', true],
        ['Accounts specified', true],
        ['Versions'],
        ['Download the latest version'],
      ]}
    >
      {[...props.periods].reverse().map((p) => {
        const d = p.latest.data;
        const dir = `reports/${p.period}/`;
        return (
          <tr data-period={p.period}>
            <th scope="row">
              <a href={`${dir}index.html`}>{p.period}</a>
              <VersionTag v={p.latest} />
              <br />
              <span class="note">{periodText(d)}</span>
            </th>
            <td class="num" data-figure="tables.summary.requests.count">
              {num(d.tables.summary.requests.count)}
            </td>
            <td class="num" data-figure="tables.summary.accounts_specified.count">
              {num(d.tables.summary.accounts_specified.count)}
            </td>
            <td>
              {p.versions.map((v, i) => [
                i > 0 ? ', ' : '',
                <a href={`${dir}v${v.number}/report.html`}>v{v.number}</a>,
                ` (${v.frozen_at.slice(0, 10)})`,
              ])}
            </td>
            <td>
              <Downloads base={dir} v={p.latest} label={`Downloads for ${p.period}`} />
            </td>
          </tr>
        );
      })}
    </Table>
  );
}

export function CountryTable(props: { d: ReportData }): Html {
  return (
    <Table
      caption="Requests by requesting country"
      head={[['Country'], ['Region'], ['Requests', true], ['Accounts specified', true]]}
    >
      {props.d.tables.by_country.map((c) => (
        <tr>
          <th scope="row">{c.country_name}</th>
          <td>{c.region}</td>
          <td class="num" data-figure={`tables.by_country.${c.country}.requests`}>
            {num(c.requests)}
          </td>
          <td class="num" data-figure={`tables.by_country.${c.country}.accounts_specified`}>
            {num(c.accounts_specified)}
          </td>
        </tr>
      ))}
    </Table>
  );
}

export function ChangesTable(props: { v: FrozenVersion }): Html | null {
  const v = props.v;
  const c = v.data.tables.changes;
  if (!c.length) return null;
  const cell = (x: number | string | null) => (x === null ? 'blank' : typeof x === 'number' ? num(x) : x);
  return (
    <>
      <h3>Figures changed in version {v.number}</h3>
      <Table
        caption={`Figures that differ from version ${v.number - 1}`}
        head={[['Figure'], ['Before', true], ['After', true]]}
      >
        {c.map((x) => (
          <tr>
            <th scope="row">{changeLabel(x.table, x.key)}</th>
            <td class="num">{cell(x.before)}</td>
            <td class="num">{cell(x.after)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function VersionsTable(props: { p: PeriodVersions }): Html {
  const p = props.p;
  return (
    <Table
      caption="Every version of this report, newest first"
      head={[['Version'], ['Published'], ['What changed, why and how'], ['Files']]}
    >
      {[...p.versions].reverse().map((v) => {
        const e = v.data.version.changelog.find((c) => c.version === v.number);
        return (
          <tr>
            <th scope="row">
              v{v.number}
              {v === p.latest && (
                <>
                  {' '}
                  <span class="tag">latest</span>
                </>
              )}
            </th>
            <td class="nowrap">{v.frozen_at.slice(0, 10)}</td>
            <td>
              {e && (
                <>
                  {e.what}
                  <br />
                  <span class="note">
                    <strong>Why:</strong> {e.why} <strong>Method:</strong> {e.method}
                  </span>
                </>
              )}
            </td>
            <td>
              <Downloads base={`v${v.number}/`} v={v} label={`Files of version ${v.number}`} />
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
