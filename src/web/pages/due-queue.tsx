import { z } from 'zod';
import { DUE_KIND_LABELS, DUE_KINDS } from '../../domain/due.ts';
import { PROCESS_TYPES } from '../../domain/vocabulary.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import type { Form } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { inWords, label, when } from '../labels.ts';
import { CsrfField, Section, type PageContext } from '../layout.tsx';
import type { QueuePage } from '../../services/due.ts';

/**
 * The dashboard's queue of what is due (docs/web.md, "The due view"): its filters, parsed from the query once,
 * the counts per kind, the pager and the table. The dashboard page (dashboard.tsx) places it first.
 */
export type Assignee = { id: number; email: string; role: string };

export const PAGE_SIZE = 50;

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
export type QueueQuery = z.infer<typeof queueQuery>;

export function parseQueue(f: Form): QueueQuery {
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
export function href(
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

export function DueView(props: {
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
