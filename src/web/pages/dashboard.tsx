import type { WebRoute } from '../context.ts';
import type { Html } from '../jsx/jsx-runtime.ts';
import { label } from '../labels.ts';
import { Layout, Section, type PageContext } from '../layout.tsx';
import type { DashboardService } from '../../services/dashboard.ts';

type Counts = Awaited<ReturnType<DashboardService['counts']>>;

function Stat(props: { label: string; value: number; href: string }): Html {
  return (
    <a class="stat" href={props.href}>
      <span class="stat-value">{props.value.toLocaleString('en-US')}</span>
      <span class="stat-label">{props.label}</span>
    </a>
  );
}

/**
 * The dashboard. Sections stack in the order the team works: the due view goes first once the workflow's
 * due service exists (add it to `sections` ahead of the counts); until then the counts lead.
 */
function DashboardPage(props: { ctx: PageContext; counts: Counts }): Html {
  const { counts } = props;
  const range = `from=${counts.period.start}&to=${counts.period.end}`;
  const sections: Html[] = [
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
      const counts = await c.services.dashboard.counts(c.actor);
      return DashboardPage({ ctx: c.page, counts });
    },
  },
];
