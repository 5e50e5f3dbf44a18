import { periodText } from '../reports/render/document.ts';
import { raw, renderDocument, type Child, type Html } from '../html/jsx-runtime.ts';
import type { PeriodVersions } from './layout.ts';
import { CSS } from './site-style.ts';
import { trendCharts } from './site-trends.ts';

import {
  ChangesTable,
  CountryTable,
  Downloads,
  Figures,
  PeriodsTable,
  TrendFigures,
  UpdatedBanner,
  VersionTag,
  VersionsTable,
} from './site-parts.tsx';
/**
 * The static transparency site: `index.html` (latest summary, trends across every published period, the
 * list of periods with versions and downloads) and one `reports/<period>/index.html` per period.
 *
 * JSX, with the web app's runtime (src/html/): every text value is escaped there, once. Self-contained:
 * inline CSS, inline SVG charts, no scripts, no fonts or images, and only relative links to explicit files
 * (`.../index.html`, never a bare folder), so it works from `file://` and from any static host.
 * Figures carry `data-figure="<path in report.json>"` so a test can check them against the JSON.
 */

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
