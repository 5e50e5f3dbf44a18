import { CandorError } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { BulkResult } from '../../services/bulk.ts';
import type { WebRoute } from '../context.ts';
import type { Html } from '../../html/jsx-runtime.ts';
import { label } from '../labels.ts';
import { Layout, Notice, Section, type PageContext } from '../layout.tsx';
import type { DashboardService } from '../../services/dashboard.ts';
import type { QueuePage } from '../../services/due.ts';

import { DueView, PAGE_SIZE, parseQueue, type Assignee, type QueueQuery } from './due-queue.tsx';

type Counts = Awaited<ReturnType<DashboardService['counts']>>;

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
