import { hasDsaPart2 } from '../reports/files.ts';
import { periodText } from '../reports/render/document.ts';
import { changeLabel } from '../reports/render/change-words.ts';
import type { ReportData } from '../reports/report-data.ts';
import type { FrozenVersion } from '../reports/versions.ts';
import { raw, renderDocument, type Child, type Html } from '../html/jsx-runtime.ts';
import type { PeriodVersions } from './layout.ts';
import { trendCharts } from './site-trends.ts';

/**
 * The static transparency site: `index.html` (latest summary, trends across every published period, the
 * list of periods with versions and downloads) and one `reports/<period>/index.html` per period.
 *
 * JSX, with the web app's runtime (src/html/): every text value is escaped there, once. Self-contained:
 * inline CSS, inline SVG charts, no scripts, no fonts or images, and only relative links to explicit files
 * (`.../index.html`, never a bare folder), so it works from `file://` and from any static host.
 * Figures carry `data-figure="<path in report.json>"` so a test can check them against the JSON.
 */

const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1b1f24;background:#f6f7f9}
a{color:#1d4f80}a:hover{color:#0b2f55}a:focus-visible{outline:3px solid #e0a100;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:1}
header.site{background:#1f3f60;color:#fff;padding:1.5rem 1rem 1.25rem}
header.site .wrap>p{margin:.25rem 0 0;color:#d5e2ef;max-width:44rem}
header.site a{color:#fff}
.masthead{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;align-items:baseline;font-size:.95rem;margin:0 0 .75rem}
.masthead .brand{font-weight:700;margin-right:auto}.masthead a{color:#d5e2ef}.masthead a.brand{color:#fff}
.wrap{max-width:64rem;margin:0 auto}
main{padding:0 1rem 3rem}
h1{font-size:clamp(1.5rem,4vw,2.2rem);line-height:1.2;margin:0}
h2{font-size:1.35rem;margin:2.5rem 0 .75rem;padding-bottom:.25rem;border-bottom:2px solid #2f5d8a}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
section.card{background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:1rem 1.25rem;margin:1.25rem 0}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0;padding:0;list-style:none}
.figures li{background:#fff;border:1px solid #dde2e8;border-left:4px solid #2f5d8a;border-radius:6px;padding:.6rem .8rem}
.figures .n{display:block;font-size:1.8rem;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.2}
.figures .l{display:block;font-size:.88rem;color:#4a5560}
.updated{border:2px solid #b35900;background:#fff4e5;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}
.updated strong{color:#8a4500}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,29rem),1fr));gap:1rem}
figure{margin:0;background:#fff;border:1px solid #dde2e8;border-radius:8px;padding:.75rem}
figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#4a5560;margin-top:.5rem}
details{margin-top:.4rem}summary{cursor:pointer;color:#1d4f80}details table{font-size:.82rem;margin-top:.4rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.4rem 0}
th,td{padding:.45rem .6rem;border-bottom:1px solid #dde2e8;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #1b1f24;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody th{font-weight:600}
.tag{display:inline-block;font-size:.75rem;font-weight:700;padding:.05rem .45rem;border-radius:999px;background:#e6eef6;color:#1f3f60;margin-left:.3rem;vertical-align:middle}
.tag.corr{background:#fff0dc;color:#8a4500}
ul.dl{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.35rem}
ul.dl a{display:inline-block;padding:.15rem .55rem;border:1px solid #b9c6d3;border-radius:4px;background:#fff;text-decoration:none;font-size:.85rem}
ul.dl a:hover{background:#e6eef6}
.note{font-size:.88rem;color:#4a5560;font-weight:normal}
.nowrap{white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;overflow-wrap:anywhere}
footer{border-top:1px solid #dde2e8;padding:1.5rem 1rem;color:#4a5560;font-size:.88rem}
@media (max-width:40rem){body{font-size:15px}section.card{padding:.75rem}.figures .n{font-size:1.5rem}th,td{padding:.4rem .45rem}}
@media print{header.site{background:none;color:#000}header.site a,header.site .wrap>p{color:#000}.skip{display:none}}
`.trim();

const num = (n: number) => n.toLocaleString('en-US');
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * The header every page of the site shares, word for word: the provider's name leading home to the index, and
 * the index's sections. `root` is the way back to the site's root from the page ('' or '../../').
 */
function Masthead(props: { provider: string; root: string }): Html {
  const home = `${props.root}index.html`;
  return (
    <nav class="masthead" aria-label="Transparency reports">
      <a class="brand" href={home}>
        {props.provider}: transparency reports
      </a>
      <a href={`${home}#latest`}>Latest report</a>
      <a href={`${home}#all`}>All reports</a>
      <a href={`${home}#about`}>How to check them</a>
      <a href={`${props.root}feed.xml`}>Atom feed</a>
    </nav>
  );
}

function page(o: {
  title: string;
  provider: string;
  /** The way back to the site's root: '' for the index, '../../' for a period's page. */
  root: string;
  heading: string;
  intro: string;
  children: Child;
}): string {
  const root = o.root;
  return `${renderDocument(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{o.title}</title>
        <link
          rel="alternate"
          type="application/atom+xml"
          title="Publications and corrections"
          href={`${root}feed.xml`}
        />
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="wrap">
            <Masthead provider={o.provider} root={root} />
            <h1>{o.heading}</h1>
            <p>{o.intro}</p>
          </div>
        </header>
        <main id="main">
          <div class="wrap">{o.children}</div>
        </main>
        <footer>
          <div class="wrap">
            <p>
              Published with Candor. Machine-readable: <a href={`${root}feed.xml`}>Atom feed</a> ·{' '}
              <a href={`${root}schema/transparency-report.v6.json`}>JSON Schema of report.json</a> ·{' '}
              <a href={`${root}README.md`}>how this repository is laid out</a>.
            </p>
          </div>
        </footer>
      </body>
    </html>,
  )}\n`;
}

/** The headline figures of a report, each tagged with its path in report.json. */
function Figures(props: { d: ReportData; prefix?: string }): Html {
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

function UpdatedBanner(props: { d: ReportData }): Html | null {
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

function Downloads(props: { base: string; v: FrozenVersion; label: string }): Html {
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

function VersionTag(props: { v: FrozenVersion }): Html {
  return props.v.number > 1 ? (
    <span class="tag corr">v{props.v.number} correction</span>
  ) : (
    <span class="tag">v1</span>
  );
}

/** A table that scrolls sideways on a phone, with its caption and column heads. */
function Table(props: { caption: string; head: Array<[string, boolean?]>; children: Child }): Html {
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
function TrendFigures(props: { charts: Awaited<ReturnType<typeof trendCharts>> }): Html {
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

function PeriodsTable(props: { periods: PeriodVersions[] }): Html {
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

/** The name the whole site goes by (one name on every page, even if a later report names the provider anew). */
const siteProvider = (periods: PeriodVersions[]) =>
  periods[0]?.latest.data.provider.name ?? 'Transparency reports';

async function indexPage(periods: PeriodVersions[]): Promise<string> {
  const provider = siteProvider(periods);
  const last = periods[periods.length - 1];
  const about = (
    <section aria-labelledby="about">
      <h2 id="about">How to read and check these reports</h2>
      <p>
        Every version of every report is a commit and a tag (<code>{'<period>-v<N>'}</code>) in the git
        repository this site is built from. A correction is a new version with a changelog entry saying what
        changed, why, how and when; the diff between two tags shows exactly the changed figures, and earlier
        versions stay published.
      </p>
      <p>
        Each <code>report.json</code> records the head hash of our hash-chained audit log when the version was
        frozen, so an auditor holding our records can prove they were not rewritten after publication.
      </p>
    </section>
  );
  let latest: Html;
  if (!last) {
    latest = <p>No report has been published yet.</p>;
  } else {
    const d = last.latest.data;
    latest = (
      <>
        <section aria-labelledby="latest" data-period={last.period}>
          <h2 id="latest">
            Latest report: {last.period}
            <VersionTag v={last.latest} />
          </h2>
          <p>
            {periodText(d)}. Accurate as of {d.accurate_as_of.slice(0, 10)}.{' '}
            <a href={`reports/${last.period}/index.html`}>Read about this period</a> or{' '}
            <a href={`reports/${last.period}/report.html`}>the full report</a>.
          </p>
          <UpdatedBanner d={d} />
          <Figures d={d} prefix={last.period} />
        </section>
        <section aria-labelledby="trends">
          <h2 id="trends">
            Trends across {periods.length} {periods.length === 1 ? 'period' : 'periods'}
          </h2>
          <p class="note">
            Each chart shows the latest version of every published period; open “The figures” under a chart
            for its numbers.
          </p>
          <div class="charts">
            <TrendFigures charts={await trendCharts(periods)} />
          </div>
        </section>
        <section aria-labelledby="all">
          <h2 id="all">All reports</h2>
          <PeriodsTable periods={periods} />
        </section>
      </>
    );
  }
  return page({
    title: `${provider}: transparency reports`,
    provider,
    root: '',
    heading: `${provider}: transparency reports`,
    intro:
      'Government requests for customer information we received, what we did with them, and whether we told our customers.',
    children: [latest, about],
  });
}

function CountryTable(props: { d: ReportData }): Html {
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

function ChangesTable(props: { v: FrozenVersion }): Html | null {
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

function VersionsTable(props: { p: PeriodVersions }): Html {
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

function periodPage(p: PeriodVersions, provider: string): string {
  const v = p.latest;
  const d = v.data;
  return page({
    title: `${d.provider.name}: transparency report ${p.period}`,
    provider,
    root: '../../',
    heading: `Transparency report ${p.period}`,
    intro: `${periodText(d)}. Version ${v.number}, published ${v.frozen_at.slice(0, 10)}.`,
    children: (
      <>
        <section aria-labelledby="summary" data-period={p.period}>
          <h2 id="summary">
            Summary
            <VersionTag v={v} />
          </h2>
          <UpdatedBanner d={d} />
          <Figures d={d} prefix={p.period} />
          <p>
            Read <a href="report.html">the full report</a> with every table and chart, or download it:
          </p>
          <Downloads base="" v={v} label={`Downloads of version ${v.number}`} />
          <ChangesTable v={v} />
        </section>
        <section aria-labelledby="countries">
          <h2 id="countries">Where the requests came from</h2>
          <CountryTable d={d} />
        </section>
        <section aria-labelledby="versions">
          <h2 id="versions">Versions</h2>
          <p>
            Also in <a href="CHANGELOG.md">CHANGELOG.md</a>. In the git repository, version N is the tag{' '}
            <code>{p.period}-vN</code>.
          </p>
          <VersionsTable p={p} />
        </section>
        <section aria-labelledby="anchor">
          <h2 id="anchor">Audit anchor</h2>
          <p>
            Head hash of the audit log when this version was frozen:{' '}
            <code data-figure="audit_head">{v.audit_head ?? 'none'}</code>
          </p>
        </section>
      </>
    ),
  });
}

/** The site's HTML pages, by path in the repository. */
export async function renderSitePages(periods: PeriodVersions[]): Promise<Array<[string, string]>> {
  return [
    ['index.html', await indexPage(periods)],
    ...periods.map((p): [string, string] => [
      `reports/${p.period}/index.html`,
      periodPage(p, siteProvider(periods)),
    ]),
  ];
}
