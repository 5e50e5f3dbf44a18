import type { WebRoute } from '../context.ts';
import type { Html } from '../jsx/jsx-runtime.ts';
import { inWords, label, when } from '../labels.ts';
import { Layout, Section, type PageContext } from '../layout.tsx';
import type { DashboardService } from '../../services/dashboard.ts';
import type { DueService, PresentedDue } from '../../services/due.ts';

type Counts = Awaited<ReturnType<DashboardService['counts']>>;

/** The due view shows what is overdue or due within this many days; the rest waits. */
const DUE_HORIZON_DAYS = 30;
const DUE_SHOWN = 50;

const DUE_LABELS: Record<PresentedDue['kind'], string> = {
  response_deadline: 'Response deadline',
  notice_owed: 'Notice owed',
  hold_expiring: 'Hold expiring',
  gag_review: 'Gag order review',
  emergency_follow_up: 'Emergency follow-up',
  notice_failed: 'Notice failed',
  motion_to_quash: 'Motion to quash (2703(h)(2))',
};

type DueSummary = Awaited<ReturnType<DueService['summary']>>;

function DueView(props: { due: DueSummary }): Html {
  const { items, total, overdue } = props.due;
  return (
    <Section
      title="Due"
      id="due"
      aside={
        <p class="muted">
          {total} within {DUE_HORIZON_DAYS} days{overdue > 0 ? `, ${overdue} overdue` : ''}
        </p>
      }
    >
      {total === 0 ? (
        <p class="empty">Nothing is due in the next {DUE_HORIZON_DAYS} days.</p>
      ) : (
        <div class="table-wrap">
          <table class="due">
            <thead>
              <tr>
                <th scope="col">Due</th>
                <th scope="col">What</th>
                <th scope="col">Request</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr class={i.overdue ? 'overdue' : undefined}>
                  <td data-label="Due">
                    {when(i.due_at)} {i.overdue && <span class="tag tag-warn">Overdue</span>}
                  </td>
                  <td data-label="What">{DUE_LABELS[i.kind] ?? i.kind}</td>
                  <td data-label="Request">
                    <a href={`/requests/${i.request_id}`}>{i.external_ref}</a>
                  </td>
                  <td data-label="Why">
                    {inWords(i.detail)} <span class="muted">{inWords(i.rule)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {total > items.length && <p class="muted">and {total - items.length} more.</p>}
        </div>
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
function DashboardPage(props: { ctx: PageContext; counts: Counts; due: DueSummary }): Html {
  const { counts } = props;
  const range = `from=${counts.period.start}&to=${counts.period.end}`;
  const sections: Html[] = [
    <DueView due={props.due} />,
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

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/',
    access: 'request.read',
    handler: async (c) => {
      const [due, counts] = await Promise.all([
        c.services.due.summary(c.actor, { horizonDays: DUE_HORIZON_DAYS, shown: DUE_SHOWN }),
        c.services.dashboard.counts(c.actor),
      ]);
      return DashboardPage({ ctx: c.page, counts, due });
    },
  },
];
