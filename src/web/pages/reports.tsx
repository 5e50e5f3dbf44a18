import { halfYearsBetween } from '../../domain/periods.ts';
import { CandorError, type FieldIssue } from '../../errors.ts';
import { FORMATS, type Format } from '../../reports/files.ts';
import type { Change } from '../../reports/diff.ts';
import { changeLabel, changeValueText } from '../../reports/render/change-words.ts';
import { uncoveredText } from '../../reports/render/document.ts';
import type { FrozenVersion } from '../../reports/versions.ts';
import { can, type Actor } from '../../services/authorize.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Errors, Input, TextArea } from '../forms.tsx';
import { raw, type Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';

const CONTENT_TYPES: Record<Format, string> = {
  text: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  dsa: 'text/csv; charset=utf-8',
};

const FLASH: Record<string, string> = {
  frozen: 'Version 1 was frozen.',
  corrected: 'A corrected version was frozen.',
  published: 'The latest frozen version was published to the repository.',
};

/** The period from the URL, refused unless it parses (the services parse it again). */
function period(c: WebContext): string {
  const p = c.params.period ?? c.query.get('period');
  if (!/^[0-9A-Za-z.-]{4,40}$/.test(p)) throw new CandorError('not_found', `no report period ${p}`);
  return p;
}

/** The body of our own report renderer's HTML (trusted, server-made markup; its scripts-free SVG charts). */
function reportBody(html: string): string {
  const a = html.indexOf('<main>');
  const b = html.lastIndexOf('</main>');
  return a >= 0 && b > a ? html.slice(a + '<main>'.length, b) : '';
}

/** One section of the report's body: its id and heading (from our own renderer's `<section id><h2>`). */
export interface ReportSection {
  id: string;
  heading: string;
  html: string;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/**
 * The report body cut at its sections, so the desk can show one at a time. Whatever stands before the first
 * section is returned as `lead` and always shown: nothing of the report is left out.
 */
export function reportSections(body: string): { lead: string; sections: ReportSection[] } {
  const starts = [...body.matchAll(/<section id="([^"]+)">\s*<h2>([^<]*)<\/h2>/g)];
  return {
    lead: body.slice(0, starts[0]?.index ?? body.length),
    sections: starts.map((m, i) => ({
      id: unescape(m[1]!),
      heading: unescape(m[2]!),
      html: body.slice(m.index, starts[i + 1]?.index ?? body.length),
    })),
  };
}

/** More changed cells than this and the drift table is folded (its count stays in view). */
const DRIFT_OPEN = 8;

function Changes(props: { changes: readonly Change[]; empty: string }): Html {
  if (props.changes.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col" class="num">
              Before
            </th>
            <th scope="col" class="num">
              After
            </th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((ch) => (
            <tr>
              <td>{changeLabel(ch.table, ch.key)}</td>
              <td class="num">{ch.before === null ? '—' : changeValueText(ch.before)}</td>
              <td class="num">{ch.after === null ? '—' : changeValueText(ch.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface DeskProps {
  ctx: PageContext;
  actor: Actor;
  period: string;
  periods: string[];
  versions: FrozenVersion[];
  drift: Change[];
  /** "How we handle requests" sections changed since the latest frozen version, in words. */
  policyDrift: string[];
  latest: number | null;
  /** The draft's body, cut at its sections; `section` is the one shown ('all': every one). */
  report: { lead: string; sections: ReportSection[] };
  section: string;
  /** The publication date asked for in the address, kept by the contents' links. */
  asked: string;
  /** The publication date the draft was computed for; the freeze form proposes it. */
  publicationDate: string;
  /** Days of the period no national-security window covers, as sentences. */
  uncovered: string[];
  flash?: string;
  failed?: { form: string; message: string; errors: Errors; input: WebContext['form'] };
  repo: string;
}

/** The draft of a period, one section at a time: the contents' links choose it (tabs once app.js runs). */
function Desk(p: DeskProps): Html {
  const base = `/reports/${p.period}`;
  const f = (name: string) => (p.failed?.form === name ? p.failed : undefined);
  const mayFreeze = can(p.actor, 'report.freeze');
  const mayPublish = can(p.actor, 'report.publish');
  const href = (section: string, anchor: string) =>
    `${base}?${new URLSearchParams(p.asked ? { publication_date: p.asked, section } : { section })}#${anchor}`;
  const all = p.section === 'all';
  // The desk's own sections, as the contents list them (each is on the page whichever report section shows).
  const deskLinks: [string, string][] = [
    ['versions', 'Versions and downloads'],
    ...(p.latest !== null ? [['drift', `Drift from version ${p.latest}`] as [string, string]] : []),
    ...(mayFreeze && p.latest === null ? [['freeze', 'Freeze'] as [string, string]] : []),
    ...(mayFreeze && p.latest !== null ? [['correct', 'Correct'] as [string, string]] : []),
    ...(mayPublish && p.latest !== null ? [['publish', 'Publish'] as [string, string]] : []),
  ];
  return (
    <Layout ctx={p.ctx} title={`Report ${p.period}`}>
      <div class="page-head">
        <h1>Report desk</h1>
        <form method="get" action="/reports" class="inline period-pick">
          <label for="f-period">Period</label>{' '}
          <select id="f-period" name="period">
            {p.periods.map((x) => (
              <option value={x} selected={x === p.period}>
                {x}
              </option>
            ))}
          </select>{' '}
          <button type="submit" class="button secondary">
            Open
          </button>
        </form>
      </div>
      {p.flash && <Notice kind="ok">{p.flash}</Notice>}
      <p>
        <a href="/reports/policy">How we handle requests</a>: our own words on how we handle demands,
        published in every report{mayFreeze ? ' (a publisher may edit them)' : ''}.
      </p>
      <div class="desk">
        <nav class="toc" aria-label="Report desk contents">
          <p class="toc-title">This desk</p>
          <ul>
            {deskLinks.map(([id, text]) => (
              <li>
                <a href={`#${id}`}>{text}</a>
              </li>
            ))}
          </ul>
          <p class="toc-title" id="toc-report">
            Draft report
          </p>
          <ul class="toc-sections" aria-labelledby="toc-report" data-tabs>
            {p.report.sections.map((x) => (
              <li>
                <a
                  href={href(x.id, x.id)}
                  id={`tab-${x.id}`}
                  data-panel={`panel-${x.id}`}
                  aria-current={p.section === x.id ? 'true' : undefined}
                >
                  {x.heading}
                </a>
              </li>
            ))}
          </ul>
          <p class="toc-all">
            <a href={href('all', 'preview')} aria-current={all ? 'true' : undefined}>
              All sections on one page
            </a>
          </p>
        </nav>
        <div class="desk-main">
          <div class="desk-panels">
            <Section title="Versions" id="versions">
              {p.versions.length === 0 ? (
                <p class="empty">Not frozen yet.</p>
              ) : (
                <ul class="versions">
                  {p.versions.map((v) => (
                    <li>
                      <strong>Version {v.number}</strong>, frozen {when(v.frozen_at)}.{' '}
                      {FORMATS.map((fmt) => (
                        <>
                          <a href={`${base}/download/${fmt}?version=${v.number}`}>{fmt}</a>{' '}
                        </>
                      ))}
                    </li>
                  ))}
                </ul>
              )}
              <p class="small">
                Draft downloads:{' '}
                {FORMATS.map((fmt) => (
                  <>
                    <a href={`${base}/download/${fmt}`}>{fmt}</a>{' '}
                  </>
                ))}
              </p>
              {p.versions.length > 1 && (
                <form method="get" action={`${base}/diff`} class="inline">
                  <label for="f-from">Compare version</label>{' '}
                  <input id="f-from" name="from" type="number" min="1" value="1" class="short" />{' '}
                  <label for="f-to">with</label>{' '}
                  <input id="f-to" name="to" type="number" min="1" value={String(p.latest)} class="short" />{' '}
                  <button type="submit" class="button secondary">
                    Show changes
                  </button>
                </form>
              )}
            </Section>
            {mayFreeze && p.latest === null && (
              <Section title="Freeze" id="freeze">
                <form method="post" action={`${base}/freeze`}>
                  <CsrfField ctx={p.ctx} />
                  {f('freeze') && <Notice kind="error">{f('freeze')?.message}</Notice>}
                  <p>Stores version 1 of this report; it never changes afterwards.</p>
                  <Input
                    name="publication_date"
                    form="freeze"
                    type="date"
                    label="Publication date"
                    value={f('freeze')?.input.get('publication_date') || p.publicationDate}
                    hint="Fixes the national-security windows (50 U.S.C. 1874(b)); the default is the period's last day plus the configured lag."
                    errors={f('freeze')?.errors}
                    required
                  />
                  {p.uncovered.length > 0 && (
                    <div class="uncovered">
                      <p>Days the national-security windows of this date leave out:</p>
                      <ul>
                        {p.uncovered.map((u) => (
                          <li>{u}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                  <button type="submit" class="button">
                    Freeze version 1
                  </button>
                </form>
              </Section>
            )}
            {mayFreeze && p.latest !== null && (
              <Section title="Correct" id="correct">
                <form method="post" action={`${base}/correct`} class="grid">
                  <CsrfField ctx={p.ctx} />
                  {f('correct') && (
                    <div class="wide">
                      <Notice kind="error">{f('correct')?.message}</Notice>
                    </div>
                  )}
                  <TextArea
                    name="reason"
                    label="Why the report is corrected"
                    value={f('correct')?.input.get('reason')}
                    errors={f('correct')?.errors}
                    wide
                    rows={2}
                  />
                  <TextArea
                    name="method"
                    label="How the new figures were obtained"
                    value={f('correct')?.input.get('method')}
                    errors={f('correct')?.errors}
                    wide
                    rows={2}
                  />
                  <div class="actions wide">
                    <button type="submit" class="button">
                      Freeze version {String(p.latest + 1)}
                    </button>
                  </div>
                </form>
              </Section>
            )}
            {mayPublish && p.latest !== null && (
              <Section title="Publish" id="publish">
                <form method="post" action={`${base}/publish`} class="grid">
                  <CsrfField ctx={p.ctx} />
                  {f('publish') && (
                    <div class="wide">
                      <Notice kind="error">{f('publish')?.message}</Notice>
                    </div>
                  )}
                  <p class="wide">
                    Commits and tags the version in the git repository <code>{p.repo}</code> on the server (
                    <code>CANDOR_PUBLISH_REPO</code>).
                  </p>
                  <div class="actions wide">
                    <button type="submit" class="button">
                      Publish version {String(p.latest)}
                    </button>
                  </div>
                </form>
              </Section>
            )}
          </div>
          {p.latest !== null && (
            <Section title={`Drift from version ${p.latest}`} id="drift">
              {p.policyDrift.length > 0 && (
                <ul class="policy-drift">
                  {p.policyDrift.map((w) => (
                    <li>{w}</li>
                  ))}
                </ul>
              )}
              {p.drift.length > DRIFT_OPEN ? (
                <details class="fold">
                  <summary>{`${p.drift.length} changed cells`}</summary>
                  <Changes changes={p.drift} empty="" />
                </details>
              ) : (
                <Changes changes={p.drift} empty="The record still matches the frozen version." />
              )}
            </Section>
          )}
          <Section title={`Draft ${p.period} from today's record`} id="preview">
            <div class="report-preview">
              {raw(p.report.lead)}
              {p.report.sections.map((x) => (
                <div class="report-section" id={`panel-${x.id}`} hidden={!all && p.section !== x.id}>
                  {raw(x.html)}
                </div>
              ))}
            </div>
          </Section>
        </div>
      </div>
    </Layout>
  );
}

async function desk(c: WebContext, per: string, failed?: DeskProps['failed']): Promise<Html> {
  const asked = c.query.get('publication_date');
  const versions = await c.services.reports.frozenVersions(c.actor, per);
  // A frozen period keeps the date of its first version (drift is measured against it); a new one is
  // proposed its last day plus the configured lag.
  const publicationDate = /^\d{4}-\d{2}-\d{2}$/.test(asked)
    ? asked
    : (versions[0]?.data.tables.national_security?.publication_date ??
      c.services.reports.defaultPublicationDate(per));
  const [draft, all, html] = await Promise.all([
    c.services.reports.build(c.actor, per, { publicationDate }),
    c.services.reports.frozenVersions(c.actor),
    c.services.reports.render(c.actor, per, 'html', { publicationDate }),
  ]);
  const report = reportSections(reportBody(html.get('report.html')?.toString('utf8') ?? ''));
  const askedSection = c.query.get('section');
  const current = c.services.dashboard.currentPeriod();
  const recent = halfYearsBetween(`${Number(current.slice(0, 4)) - 2}`, current);
  const periods = [...new Set([...recent, ...all.map((v) => v.period), per])].sort().reverse();
  return Desk({
    ctx: c.page,
    actor: c.actor,
    period: draft.data.period.id,
    periods,
    versions,
    drift: draft.drift,
    policyDrift: draft.policyDrift,
    latest: draft.latest,
    report,
    section:
      report.sections.some((x) => x.id === askedSection) || askedSection === 'all'
        ? askedSection
        : (report.sections[0]?.id ?? 'all'),
    asked: /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : '',
    publicationDate,
    uncovered: uncoveredText(draft.data.tables.national_security?.uncovered ?? []),
    flash: failed ? undefined : FLASH[c.query.get('done')],
    failed,
    repo: c.config.publishRepo,
  });
}

/** A report form: runs, then redirects back; a refusal shows the desk again with the message. */
function post(
  path: string,
  access: 'report.freeze' | 'report.publish',
  form: string,
  run: (c: WebContext, p: string) => Promise<string>,
): WebRoute {
  return {
    method: 'POST',
    path: `/reports/:period/${path}`,
    access,
    handler: async (c) => {
      const per = period(c);
      try {
        return { redirect: `/reports/${per}?done=${await run(c, per)}` };
      } catch (e) {
        if (
          !(e instanceof CandorError) ||
          !['invalid', 'invalid_state', 'not_found', 'conflict'].includes(e.code)
        )
          throw e;
        const issues: FieldIssue[] = e.issues ?? [];
        return {
          status: 422,
          html: await desk(c, per, { form, message: e.message, errors: new Errors(issues), input: c.form }),
        };
      }
    },
  };
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/reports',
    access: 'report.read',
    handler: async (c) => {
      const p = c.query.get('period');
      return { redirect: `/reports/${p ? period(c) : c.services.dashboard.currentPeriod()}` };
    },
  },
  {
    method: 'GET',
    path: '/reports/:period',
    access: 'report.read',
    handler: async (c) => desk(c, period(c)),
  },
  {
    method: 'GET',
    path: '/reports/:period/download/:format',
    access: 'report.read',
    handler: async (c) => {
      const per = period(c);
      const format = c.params.format as Format;
      if (!FORMATS.includes(format)) throw new CandorError('not_found', `no format ${c.params.format}`);
      const v = c.query.get('version');
      const version = v ? Number(v) : undefined;
      if (version !== undefined && !(Number.isSafeInteger(version) && version > 0))
        throw new CandorError('not_found', `no version ${v}`);
      const files = await c.services.reports.render(c.actor, per, format, { version });
      // The DSA format is two files: the download is the first (Part 1); each is in the published layout.
      const [name, body] = [...files][0]!;
      const file = `candor-${per}-${version ? `v${version}` : 'draft'}-${name.replaceAll('/', '-')}`;
      c.reply.header('content-disposition', `attachment; filename="${file}"`);
      return { body, type: CONTENT_TYPES[format] };
    },
  },
  {
    method: 'GET',
    path: '/reports/:period/diff',
    access: 'report.read',
    handler: async (c) => {
      const per = period(c);
      const from = Number(c.query.get('from'));
      const to = Number(c.query.get('to'));
      const changes = await c.services.reports.diff(c.actor, per, from, to);
      return (
        <Layout ctx={c.page} title={`Report ${per}: v${from} → v${to}`}>
          <nav class="crumbs" aria-label="Breadcrumb">
            <a href={`/reports/${per}`}>Report {per}</a> / <span>Changes</span>
          </nav>
          <h1>
            {per}: version {String(from)} → version {String(to)}
          </h1>
          <Section title={`${changes.length} changed cells`}>
            <Changes changes={changes} empty="The two versions have the same figures." />
          </Section>
        </Layout>
      );
    },
  },
  post('freeze', 'report.freeze', 'freeze', async (c, per) => {
    const date = c.form.get('publication_date').trim();
    await c.services.reports.freeze(c.actor, per, { publicationDate: date || undefined });
    return 'frozen';
  }),
  post('correct', 'report.freeze', 'correct', async (c, per) => {
    await c.services.reports.correct(c.actor, per, {
      why: c.form.get('reason'),
      method: c.form.get('method'),
    });
    return 'corrected';
  }),
  post('publish', 'report.publish', 'publish', async (c, per) => {
    await c.services.publish.publish(c.actor, { period: per, repo: c.config.publishRepo });
    return 'published';
  }),
];
