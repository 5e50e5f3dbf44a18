import { z } from 'zod';
import { OUTCOMES, PROCESS_TYPES, REQUEST_STATUSES } from '../../domain/vocabulary.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { RequestService } from '../../services/requests.ts';
import { encodeCursor } from '../../services/requests.ts';
import type { WebRoute } from '../context.ts';
import { Form } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { label, when } from '../labels.ts';
import { Layout, Notice, type PageContext } from '../layout.tsx';

type Item = Awaited<ReturnType<RequestService['list']>>['items'][number];

const PAGE_SIZE = 50;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');

/** The list's query string: filters, sort and the keyset position. */
const listQuery = z.object({
  status: z.array(z.enum(REQUEST_STATUSES)),
  process_type: z.array(z.enum(PROCESS_TYPES)),
  country: z.array(
    z
      .string()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'expected a 2-letter country code'),
  ),
  outcome: z.array(z.enum([...OUTCOMES, 'none'])),
  from: day.optional(),
  to: day.optional(),
  q: z.string().max(200).optional(),
  sort: z.enum(['received_at', 'external_ref']).default('received_at'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().max(400).optional(),
  before: z.string().max(400).optional(),
});
type ListQuery = z.infer<typeof listQuery>;

function parseQuery(f: Form): ListQuery {
  const one = (k: string) => f.get(k) || undefined;
  const r = listQuery.safeParse({
    status: f.all('status'),
    process_type: f.all('process_type'),
    country: f
      .all('country')
      .flatMap((v) => v.split(/[\s,]+/))
      .filter(Boolean),
    outcome: f.all('outcome'),
    from: one('from'),
    to: one('to'),
    q: one('q'),
    sort: one('sort'),
    dir: one('dir'),
    after: one('after'),
    before: one('before'),
  });
  if (!r.success) {
    const first = zodIssues(r.error.issues)[0];
    throw new CandorError('invalid', `The filter is not valid: ${first?.field}: ${first?.message}`);
  }
  return r.data;
}

/** The query string for the same filters with some parameters changed. */
function href(q: ListQuery, change: Partial<Record<keyof ListQuery, string | undefined>>): string {
  const p = new URLSearchParams();
  for (const k of ['status', 'process_type', 'country', 'outcome'] as const)
    for (const v of q[k]) p.append(k, v);
  const singles = { from: q.from, to: q.to, q: q.q, sort: q.sort, dir: q.dir, ...change } as Record<
    string,
    string | undefined
  >;
  for (const [k, v] of Object.entries(singles)) if (v) p.set(k, v);
  if (p.get('sort') === 'received_at') p.delete('sort');
  if (p.get('dir') === 'desc') p.delete('dir');
  const s = p.toString();
  return s ? `/requests?${s}` : '/requests';
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();

function MultiSelect(props: {
  name: string;
  legend: string;
  options: readonly string[];
  values: readonly string[];
}): Html {
  return (
    <div class="field">
      <label for={`filter-${props.name}`}>{props.legend}</label>
      <select id={`filter-${props.name}`} name={props.name} multiple size={4}>
        {props.options.map((o) => (
          <option value={o} selected={props.values.includes(o)}>
            {o === 'none' ? 'No outcome yet' : label(o)}
          </option>
        ))}
      </select>
    </div>
  );
}

function SortHeader(props: { q: ListQuery; key: ListQuery['sort']; children: string }): Html {
  const active = props.q.sort === props.key;
  const dir = active && props.q.dir === 'desc' ? 'asc' : 'desc';
  return (
    <th scope="col" aria-sort={active ? (props.q.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={href(props.q, { sort: props.key, dir, after: undefined, before: undefined })}>
        {props.children}
        {active ? (props.q.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </a>
    </th>
  );
}

function RequestsPage(props: {
  ctx: PageContext;
  q: ListQuery;
  items: Item[];
  prev: string | null;
  next: string | null;
  canCreate: boolean;
}): Html {
  const { q } = props;
  const filtered =
    q.status.length + q.process_type.length + q.country.length + q.outcome.length > 0 ||
    q.from ||
    q.to ||
    q.q;
  return (
    <Layout ctx={props.ctx} title="Requests">
      <div class="page-head">
        <h1>Requests</h1>
        {props.canCreate && (
          <a class="button primary" href="/requests/new">
            New request
          </a>
        )}
      </div>
      <form method="get" action="/requests" class="card filters" role="search">
        <div class="filter-row">
          <div class="field grow">
            <label for="filter-q">Search</label>
            <input
              id="filter-q"
              name="q"
              type="search"
              value={q.q}
              placeholder="External reference or agency name, from the start"
            />
          </div>
          <div class="field">
            <label for="filter-from">Received from</label>
            <input id="filter-from" name="from" type="date" value={q.from} />
          </div>
          <div class="field">
            <label for="filter-to">to</label>
            <input id="filter-to" name="to" type="date" value={q.to} />
          </div>
          <div class="field">
            <label for="filter-country">Country</label>
            <input
              id="filter-country"
              name="country"
              value={q.country.join(' ')}
              placeholder="US"
              maxlength="2"
              class="short"
            />
          </div>
        </div>
        <details open={q.status.length + q.process_type.length + q.outcome.length > 0}>
          <summary>Status, process type and outcome</summary>
          <div class="filter-row">
            <MultiSelect name="status" legend="Status" options={REQUEST_STATUSES} values={q.status} />
            <MultiSelect
              name="process_type"
              legend="Process type"
              options={PROCESS_TYPES}
              values={q.process_type}
            />
            <MultiSelect name="outcome" legend="Outcome" options={[...OUTCOMES, 'none']} values={q.outcome} />
          </div>
        </details>
        <input type="hidden" name="sort" value={q.sort} />
        <input type="hidden" name="dir" value={q.dir} />
        <div class="actions">
          <button type="submit" class="primary">
            Apply
          </button>
          {filtered && <a href="/requests">Clear filters</a>}
        </div>
      </form>
      {props.items.length === 0 ? (
        <Notice kind="info">No request matches these filters.</Notice>
      ) : (
        <div class="card table-card">
          <div class="table-wrap">
            <table class="requests">
              <thead>
                <tr>
                  <SortHeader q={q} key="external_ref">
                    Reference
                  </SortHeader>
                  <SortHeader q={q} key="received_at">
                    Received
                  </SortHeader>
                  <th scope="col">Agency</th>
                  <th scope="col">Process</th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col" class="num">
                    Accounts
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((r) => (
                  <tr>
                    <td data-label="Reference">
                      <a href={`/requests/${r.id}`}>{r.external_ref}</a>
                      {r.emergency && <span class="tag tag-warn">Emergency</span>}
                    </td>
                    <td data-label="Received">{when(r.received_at)}</td>
                    <td data-label="Agency">
                      {r.agency_name} <span class="muted">{r.subdivision ?? r.country}</span>
                    </td>
                    <td data-label="Process">{label(r.process_type)}</td>
                    <td data-label="Status">
                      <span class={`tag status-${r.status}`}>{label(r.status)}</span>
                    </td>
                    <td data-label="Outcome">{label(r.outcome)}</td>
                    <td data-label="Accounts" class="num">
                      {r.accounts_specified}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        {props.prev ? (
          <a href={props.prev} rel="prev">
            ← Previous
          </a>
        ) : (
          <span class="disabled">← Previous</span>
        )}
        {props.next ? (
          <a href={props.next} rel="next">
            Next →
          </a>
        ) : (
          <span class="disabled">Next →</span>
        )}
      </nav>
    </Layout>
  );
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests',
    access: 'request.read',
    handler: async (c) => {
      const q = parseQuery(c.query);
      const filter = {
        status: q.status,
        processType: q.process_type,
        country: q.country,
        outcome: q.outcome,
        receivedFrom: q.from ? `${q.from}T00:00:00.000Z` : undefined,
        receivedTo: q.to ? nextDay(q.to) : undefined,
        q: q.q,
      };
      // "Previous" walks the same order backwards from the first row shown, then flips the page.
      const backwards = !!q.before && !q.after;
      const dir = backwards ? (q.dir === 'asc' ? 'desc' : 'asc') : q.dir;
      const page = await c.services.requests.list(c.actor, {
        filter,
        limit: PAGE_SIZE,
        cursor: backwards ? q.before : q.after,
        sort: q.sort,
        dir,
      });
      const items = backwards ? [...page.items].reverse() : page.items;
      const cursorOf = (r: Item | undefined) =>
        r && encodeCursor({ v: q.sort === 'received_at' ? r.received_at : r.external_ref, id: r.id });
      const hasPrev = backwards ? page.next_cursor !== null : !!q.after;
      const hasNext = backwards ? true : page.next_cursor !== null;
      return RequestsPage({
        ctx: c.page,
        q,
        items,
        prev: hasPrev && items.length ? href(q, { before: cursorOf(items[0]), after: undefined }) : null,
        next:
          hasNext && items.length
            ? href(q, { after: cursorOf(items[items.length - 1]), before: undefined })
            : null,
        canCreate: can(c.actor, 'request.create'),
      });
    },
  },
];
