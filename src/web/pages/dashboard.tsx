import { z } from 'zod';
import { DUE_KIND_LABELS, DUE_KINDS } from '../../domain/due.ts';
import { PROCESS_TYPES } from '../../domain/vocabulary.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { BulkResult } from '../../services/bulk.ts';
import type { WebRoute } from '../context.ts';
import type { Form } from '../forms.tsx';
import type { Html } from '../jsx/jsx-runtime.ts';
import { inWords, label, when } from '../labels.ts';
import { CsrfField, Layout, Notice, Section, type PageContext } from '../layout.tsx';
import type { DashboardService } from '../../services/dashboard.ts';
import type { QueuePage } from '../../services/due.ts';

type Counts = Awaited<ReturnType<DashboardService['counts']>>;
type Assignee = { id: number; email: string; role: string };

const PAGE_SIZE = 50;

const DUE_LABELS = DUE_KIND_LABELS;

const WITHIN = ['7', '30', '90', 'all'] as const;
const flag = z.enum(['1', '0']).optional();

/** The work queue's query string: every filter, the order and the page. */
const queueQuery = z.object({
  kind: z.array(z.enum(DUE_KINDS)),
  process_type: z.array(z.enum(PROCESS_TYPES)),
  assignee: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  mine: flag,
  unassigned: flag,
  overdue: flag,
  agency: z.string().max(200).optional(),
  within: z.enum(WITHIN).default('7'),
  sort: z.enum(['soonest', 'latest']).default('soonest'),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
type QueueQuery = z.infer<typeof queueQuery>;

function parseQueue(f: Form): QueueQuery {
  const one = (k: string) => f.get(k) || undefined;
  const r = queueQuery.safeParse({
    kind: f.all('kind'),
    process_type: f.all('process_type'),
    assignee: one('assignee'),
    mine: one('mine'),
    unassigned: one('unassigned'),
    overdue: one('overdue'),
    agency: one('agency'),
    within: one('within'),
    sort: one('sort'),
    page: one('page'),
  });
  if (!r.success) {
    const first = zodIssues(r.error.issues)[0];
    throw new CandorError('invalid', `The filter is not valid: ${first?.field}: ${first?.message}`);
  }
  return r.data;
}

/** The dashboard's address for the same queue with some parameters changed (the page starts again at 1). */
function href(
  q: QueueQuery,
  change: Partial<Record<keyof QueueQuery, string | string[] | undefined>>,
): string {
  const merged: Record<string, string | string[] | number | undefined> = { ...q, page: undefined, ...change };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === '') continue;
    for (const x of Array.isArray(v) ? v : [String(v)]) p.append(k, x);
  }
  if (p.get('within') === '7') p.delete('within');
  if (p.get('sort') === 'soonest') p.delete('sort');
  if (p.get('page') === '1') p.delete('page');
  const s = p.toString();
  return s ? `/?${s}#due` : '/#due';
}

/** Whose work is shown, in words. */
function whose(q: QueueQuery, mine: boolean, assignees: readonly Assignee[]): string {
  if (mine) return 'assigned to you';
  if (q.unassigned === '1') return 'assigned to nobody';
  if (q.assignee)
    return `assigned to ${assignees.find((a) => a.id === q.assignee)?.email ?? `user ${q.assignee}`}`;
  return "everyone's";
}

function Filters(props: { q: QueueQuery; mine: boolean; assignees: readonly Assignee[] | null }): Html {
  const { q } = props;
  const who = props.mine
    ? 'mine'
    : q.unassigned === '1'
      ? 'unassigned'
      : q.assignee
        ? String(q.assignee)
        : 'all';
  return (
    <form method="get" action="/" class="filters" role="search" aria-label="Filter the due work">
      <div class="filter-row">
        <div class="field">
          <label for="due-who">Whose</label>
          <select id="due-who" name="who">
            <option value="mine" selected={who === 'mine'}>
              Mine
            </option>
            <option value="all" selected={who === 'all'}>
              Everyone's
            </option>
            <option value="unassigned" selected={who === 'unassigned'}>
              Unassigned
            </option>
            {(props.assignees ?? []).map((a) => (
              <option value={String(a.id)} selected={who === String(a.id)}>
                {a.email}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="due-kind">What</label>
          <select id="due-kind" name="kind">
            <option value="">Every kind</option>
            {DUE_KINDS.map((k) => (
              <option value={k} selected={q.kind.includes(k)}>
                {DUE_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="due-process">Process type</label>
          <select id="due-process" name="process_type">
            <option value="">Any</option>
            {PROCESS_TYPES.map((p) => (
              <option value={p} selected={q.process_type.includes(p)}>
                {label(p)}
              </option>
            ))}
          </select>
        </div>
        <div class="field grow">
          <label for="due-agency">Agency</label>
          <input
            id="due-agency"
            name="agency"
            type="search"
            value={q.agency}
            placeholder="Part of its name"
          />
        </div>
        <div class="field">
          <label for="due-within">Due within</label>
          <select id="due-within" name="within">
            {WITHIN.map((w) => (
              <option value={w} selected={q.within === w}>
                {w === 'all' ? 'Any time' : `${w} days`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="due-sort">Order</label>
          <select id="due-sort" name="sort">
            <option value="soonest" selected={q.sort === 'soonest'}>
              Soonest first
            </option>
            <option value="latest" selected={q.sort === 'latest'}>
              Latest first
            </option>
          </select>
        </div>
        <div class="field">
          <label for="due-overdue">
            <input id="due-overdue" type="checkbox" name="overdue" value="1" checked={q.overdue === '1'} />{' '}
            Overdue only
          </label>
        </div>
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          Apply
        </button>
        <a href="/?who=all">Clear filters</a>
      </div>
    </form>
  );
}

function KindCounts(props: { q: QueueQuery; counts: QueuePage['counts'] }): Html {
  const { q } = props;
  return (
    <ul class="kind-counts" aria-label="Counts per kind">
      <li>
        <a href={href(q, { kind: undefined })} aria-current={q.kind.length === 0 ? 'true' : undefined}>
          All <span class="count">{Object.values(props.counts).reduce((a, b) => a + b, 0)}</span>
        </a>
      </li>
      {DUE_KINDS.map((k) => (
        <li>
          <a
            href={href(q, { kind: [k] })}
            aria-current={q.kind.length === 1 && q.kind[0] === k ? 'true' : undefined}
          >
            {DUE_LABELS[k]} <span class="count">{props.counts[k]}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function Pager(props: { q: QueueQuery; page: QueuePage }): Html {
  const { q, page } = props;
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const at = q.page;
  if (pages === 1) return <></>;
  return (
    <nav class="pager" aria-label="Pages of the due work">
      {at > 1 ? (
        <a href={href(q, { page: String(at - 1) })} rel="prev">
          ← Previous
        </a>
      ) : (
        <span class="disabled">← Previous</span>
      )}
      <span>
        Page {at} of {pages}
      </span>
      {at < pages ? (
        <a href={href(q, { page: String(at + 1) })} rel="next">
          Next →
        </a>
      ) : (
        <span class="disabled">Next →</span>
      )}
    </nav>
  );
}

function DueView(props: {
  ctx: PageContext;
  q: QueueQuery;
  mine: boolean;
  page: QueuePage;
  assignees: readonly Assignee[] | null;
}): Html {
  const { q, page, assignees } = props;
  const { items, total, overdue } = page;
  const span = q.within === 'all' ? '' : ` within ${q.within} days`;
  const first = page.offset + 1;
  const last = page.offset + items.length;
  const bulk = assignees !== null;
  const table = (
    <div class="table-wrap">
      <table class="due">
        <caption class="sr-only">Due work, {q.sort === 'latest' ? 'latest' : 'soonest'} first</caption>
        <thead>
          <tr>
            {bulk && (
              <th scope="col">
                <span class="sr-only">Choose</span>
              </th>
            )}
            <th scope="col">Due</th>
            <th scope="col">What</th>
            <th scope="col">Request</th>
            <th scope="col">Assignee</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i, n) => (
            <tr class={i.overdue ? 'overdue' : undefined}>
              {bulk && (
                <td data-label="Choose">
                  <input
                    type="checkbox"
                    name="request_id"
                    value={String(i.request_id)}
                    id={`due-pick-${n}`}
                    aria-label={`Choose ${i.external_ref} (${DUE_LABELS[i.kind]})`}
                  />
                </td>
              )}
              <td data-label="Due">
                {when(i.due_at)} {i.overdue && <span class="tag tag-warn">Overdue</span>}
              </td>
              <td data-label="What">{DUE_LABELS[i.kind] ?? i.kind}</td>
              <td data-label="Request">
                <a href={`/requests/${i.request_id}`}>{i.external_ref}</a>{' '}
                <span class="muted">
                  {label(i.process_type)} · {i.agency}
                </span>
              </td>
              <td data-label="Assignee">{i.assignee ?? <span class="muted">nobody</span>}</td>
              <td data-label="Why">
                {inWords(i.detail)} <span class="muted">{inWords(i.rule)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Section
      title="Due"
      id="due"
      aside={
        <p class="muted">
          {total} {whose(q, props.mine, assignees ?? [])}
          {span}
          {overdue > 0 ? `, ${overdue} overdue` : ''}
        </p>
      }
    >
      <Filters q={q} mine={props.mine} assignees={assignees} />
      <KindCounts q={q} counts={page.counts} />
      {total === 0 ? (
        <p class="empty">Nothing is due{span} under these filters.</p>
      ) : (
        <>
          <p class="muted">
            Showing {first}–{last} of {total}, {q.sort === 'latest' ? 'latest' : 'soonest'} first.
          </p>
          {bulk ? (
            <form method="post" action="/due/bulk" class="bulk">
              <CsrfField ctx={props.ctx} />
              {table}
              <fieldset class="bulk-actions">
                <legend>With the chosen items</legend>
                <div class="filter-row">
                  <div class="field">
                    <label for="bulk-user">Assign to</label>
                    <select id="bulk-user" name="user_id">
                      <option value="">Choose a person</option>
                      {assignees.map((a) => (
                        <option value={String(a.id)}>{a.email}</option>
                      ))}
                    </select>
                  </div>
                  <div class="actions">
                    <button type="submit" name="action" value="assign">
                      Assign
                    </button>
                    <button type="submit" name="action" value="mark_reviewed">
                      Mark gag orders reviewed
                    </button>
                  </div>
                </div>
              </fieldset>
            </form>
          ) : (
            table
          )}
          <Pager q={q} page={page} />
        </>
      )}
    </Section>
  );
}

function Stat(props: { label: string; value: number; href: string }): Html {
  return (
    <a class="stat" href={props.href}>
      <span class="stat-value">{props.value.toLocaleString('en-US')}</span>
      <span class="stat-label">{props.label}</span>
    </a>
  );
}

/** The dashboard. Sections stack in the order the team works: what is due first, then this period's counts. */
function DashboardPage(props: {
  ctx: PageContext;
  counts: Counts;
  q: QueueQuery;
  mine: boolean;
  page: QueuePage;
  assignees: readonly Assignee[] | null;
}): Html {
  const { counts } = props;
  const range = `from=${counts.period.start}&to=${counts.period.end}`;
  const sections: Html[] = [
    <DueView ctx={props.ctx} q={props.q} mine={props.mine} page={props.page} assignees={props.assignees} />,
    <Section title={`This period: ${counts.period.id}`} id="counts">
      <div class="stats">
        <Stat label="Received" value={counts.total.received} href={`/requests?${range}`} />
        <Stat
          label="Open"
          value={counts.total.open}
          href={`/requests?${range}&status=received&status=in_review&status=awaiting_information`}
        />
        <Stat
          label="Responded or closed"
          value={counts.total.responded}
          href={`/requests?${range}&status=responded&status=closed`}
        />
      </div>
      {counts.byProcessType.length === 0 ? (
        <p class="empty">No requests received in this period yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Requests received this period by process type</caption>
            <thead>
              <tr>
                <th scope="col">Process type</th>
                <th scope="col" class="num">
                  Received
                </th>
                <th scope="col" class="num">
                  Open
                </th>
                <th scope="col" class="num">
                  Responded
                </th>
              </tr>
            </thead>
            <tbody>
              {counts.byProcessType.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={`/requests?${range}&process_type=${r.process_type}`}>{label(r.process_type)}</a>
                  </th>
                  <td class="num">{r.received}</td>
                  <td class="num">{r.open}</td>
                  <td class="num">{r.responded}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint" id="counts-vs-report">
        Why the report for {counts.period.id} shows other numbers: these count every request received in the
        half-year, as the record stands now. The report counts by date received too, but its headline is
        government requests only (civil litigants have a table of their own) and leaves national-security
        process (National Security Letters, FISA orders) out: that is published only in bands, for a window
        counted back from the publication date (50 U.S.C. 1874). A frozen version keeps the figures of the day
        it was frozen.
        {props.ctx.session && can(props.ctx.session.actor, 'report.read') && (
          <>
            {' '}
            <a href={`/reports/${counts.period.id}`}>Open the report desk</a>.
          </>
        )}
      </p>
      {counts.restrictedLeftOut && (
        <p class="hint" id="restricted-note">
          Restricted matters (national-security process and requests marked restricted) are left out of these
          counts and of the due work: you do not hold the restricted-matters grant. The published report
          counts them, national-security figures only in their lawful bands.
        </p>
      )}
    </Section>,
  ];
  return (
    <Layout ctx={props.ctx} title="Dashboard">
      <div class="page-head">
        <h1>Dashboard</h1>
      </div>
      {sections}
    </Layout>
  );
}

function BulkResultPage(props: {
  ctx: PageContext;
  action: string;
  result: BulkResult;
  refs: Map<number, string>;
  back: string;
}): Html {
  const { result } = props;
  const what = props.action === 'assign' ? 'assigned' : 'marked reviewed';
  return (
    <Layout ctx={props.ctx} title="Due work changed">
      <div class="page-head">
        <h1>Due work changed</h1>
      </div>
      {result.done.length > 0 && (
        <Notice kind="ok">
          {result.done.length} request{result.done.length === 1 ? '' : 's'} {what}:{' '}
          {result.done.map((id, n) => (
            <>
              {n > 0 ? ', ' : ''}
              <a href={`/requests/${id}`}>{props.refs.get(id) ?? `request ${id}`}</a>
            </>
          ))}
          .
        </Notice>
      )}
      {result.refused.length > 0 && (
        <Notice kind="warn">
          <p>
            {result.refused.length} refused; nothing was changed on{' '}
            {result.refused.length === 1 ? 'it' : 'them'}:
          </p>
          <ul>
            {result.refused.map((r) => (
              <li>
                <a href={`/requests/${r.request_id}`}>
                  {props.refs.get(r.request_id) ?? `request ${r.request_id}`}
                </a>
                : {r.message}
              </li>
            ))}
          </ul>
        </Notice>
      )}
      <p>
        <a href={props.back}>Back to the due work</a>
      </p>
    </Layout>
  );
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/',
    access: 'request.read',
    handler: async (c) => {
      // `who` is the filter form's one select for mine / everyone / unassigned / a person: spelled out into
      // the query parameters the links use.
      const who = c.query.get('who');
      if (who) {
        const p = new URLSearchParams(c.req.url.split('?')[1] ?? '');
        p.delete('who');
        p.delete('mine');
        p.delete('unassigned');
        p.delete('assignee');
        if (who === 'mine') p.set('mine', '1');
        else if (who === 'unassigned') p.set('unassigned', '1');
        else if (who === 'all') p.set('mine', '0');
        else if (/^\d{1,10}$/.test(who)) p.set('assignee', who);
        for (const [k, v] of [...p]) if (v === '') p.delete(k);
        return { redirect: `/?${p}#due` };
      }
      const q = parseQueue(c.query);
      // "Mine" is a handler's landing page; everyone else starts from everyone's work.
      const mine =
        q.mine === '1' ||
        (q.mine === undefined && !q.assignee && !q.unassigned && c.actor.role === 'handler');
      const [page, counts, assignees] = await Promise.all([
        c.services.due.queue(c.actor, {
          kinds: q.kind,
          processTypes: q.process_type,
          mine: mine && c.actor.userId !== null,
          assignee: mine ? undefined : q.unassigned === '1' ? null : q.assignee,
          overdue: q.overdue === '1',
          agency: q.agency,
          withinDays: q.within === 'all' ? undefined : Number(q.within),
          sort: q.sort,
          offset: (q.page - 1) * PAGE_SIZE,
          limit: PAGE_SIZE,
        }),
        c.services.dashboard.counts(c.actor),
        can(c.actor, 'request.assign') ? c.services.workflow.assignees(c.actor) : Promise.resolve(null),
      ]);
      return DashboardPage({ ctx: c.page, counts, q, mine, page, assignees });
    },
  },
  {
    method: 'POST',
    path: '/due/bulk',
    access: 'request.assign',
    handler: async (c) => {
      const action = c.form.get('action');
      if (action !== 'assign' && action !== 'mark_reviewed') {
        throw new CandorError('invalid', 'Choose an action: assign, or mark gag orders reviewed.');
      }
      const ids = c.form.all('request_id').map((v) => {
        if (!/^\d{1,10}$/.test(v)) throw new CandorError('invalid', `Not a request number: ${v}`);
        return Number(v);
      });
      const user = c.form.get('user_id');
      if (action === 'assign' && !/^\d{1,10}$/.test(user)) {
        throw new CandorError('invalid', 'Choose the person to assign the requests to.');
      }
      const result = await c.services.bulk.apply(c.actor, {
        action,
        requestIds: ids,
        userId: action === 'assign' ? Number(user) : undefined,
      });
      const refs = new Map<number, string>();
      for (const id of [...result.done, ...result.refused.map((r) => r.request_id)]) {
        const r = await c.services.requests.get(c.actor, id).catch(() => null);
        if (r) refs.set(id, r.external_ref);
      }
      return BulkResultPage({ ctx: c.page, action, result, refs, back: '/#due' });
    },
  },
];
