import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import {
  changesWithTime,
  dueItems,
  dueMatcher,
  type DueFilter,
  isOpenWork,
  sortDue,
  DUE_KINDS,
  type DueItem,
  type DueKind,
  type RequestSnapshot,
} from '../domain/due.ts';
import { addDays } from '../domain/policy-config.ts';
import { changedSince, headSeq } from '../repositories/audit-repository.ts';
import { noticeReach, requestsOfAccounts } from '../repositories/notices-repository.ts';
import { openWork, workOf, type SnapshotParts } from '../repositories/workflow-repository.ts';
import { CandorError } from '../errors.ts';
import { authorize, type Actor } from './authorize.ts';
import { restrictedIds } from '../repositories/sight.ts';
import { sightFor } from './sight.ts';
import type { Clock } from './requests.ts';

/** Groups rows by request id. */
function byRequest<T extends { request_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const list = m.get(r.request_id);
    if (list) list.push(r);
    else m.set(r.request_id, [r]);
  }
  return m;
}

/** Delivery facts from the notice outbox and the contacts; absent: every named account counts as reachable. */
export interface Reach {
  failedAt: Map<number, Date>;
  reachable: Set<number>;
}

/** Turns the rows of a set of requests into the plain snapshots the rules read. */
export function snapshotsFrom(parts: SnapshotParts, reach?: Reach): RequestSnapshot[] {
  const ndos = byRequest(parts.ndos);
  const holds = byRequest(parts.holds);
  const emergencies = new Map(parts.emergencies.map((e) => [e.request_id, e]));
  return parts.requests.map((r) => {
    const e = emergencies.get(r.id);
    return {
      id: String(r.id),
      externalRef: r.external_ref,
      status: r.status,
      processType: r.process_type,
      channel: r.channel,
      emergency: r.emergency,
      dataSought: r.data_sought,
      targetUsPerson: r.target_us_person,
      receivedAt: r.received_at,
      respondedAt: r.responded_at,
      outcome: r.outcome,
      ndos: (ndos.get(r.id) ?? []).map((n) => ({
        authority: n.authority,
        issuedAt: n.issued_at,
        expiresAt: n.expires_at,
        liftedAt: n.lifted_at,
        lastReviewedAt: n.review_requested_at,
      })),
      holds: (holds.get(r.id) ?? []).map((h) => ({
        regime: h.regime,
        startedAt: h.started_at,
        extensions: h.extensions,
        releasedAt: h.released_at,
      })),
      noticeStatus: r.notice_status,
      noticeFailedAt: reach?.failedAt.get(r.id) ?? null,
      accountsHaveContact: reach ? reach.reachable.has(r.id) : Number(r.accounts) > 0,
      emergencyPassedAt: e?.passed_at ?? null,
      followUpReceivedAt: e?.follow_up_received_at ?? null,
      assignedTo: r.assigned_to === null ? null : Number(r.assigned_to),
      assignee: r.assignee_email,
      agency: r.agency_name,
    };
  });
}

/** A due item as the API and the CLI show it. */
export function presentDue(i: DueItem, now: Date) {
  return {
    due_at: i.dueAt.toISOString(),
    overdue: i.dueAt <= now,
    kind: i.kind,
    request_id: Number(i.requestId),
    external_ref: i.externalRef,
    rule: i.rule,
    detail: i.detail,
    process_type: i.processType,
    agency: i.agency,
    assigned_to: i.assignedTo,
    assignee: i.assignee,
  };
}
export type PresentedDue = ReturnType<typeof presentDue>;

export interface DueOptions extends Omit<DueFilter, 'until'> {
  /** Defaults to the service clock. */
  now?: Date;
  /** Only items due within this many days from now (overdue ones always show). */
  horizonDays?: number;
  /** Only items due before this instant (overdue ones always show); wins over the day counts. */
  until?: Date;
  /**
   * Only items due by the end of the UTC day this many days after today (overdue ones always show): a horizon
   * that moves only at midnight, so a view's count does not change by itself from minute to minute.
   */
  withinDays?: number;
  kinds?: DueKind[];
  /** Only the acting user's items (needs a named user). */
  mine?: boolean;
}

/** The work queue's options: the filter, the order and the page. */
export interface QueueOptions extends DueOptions {
  /** soonest (the default) or latest first. */
  sort?: 'soonest' | 'latest';
  offset?: number;
  limit?: number;
}

/** One page of the work queue, with how many items match, how many are overdue, and counts per kind. */
export interface QueuePage {
  total: number;
  overdue: number;
  /** How many items of each kind match the other filters (the kind filter left out). */
  counts: Record<DueKind, number>;
  offset: number;
  limit: number;
  items: PresentedDue[];
}

/**
 * How long what was read of the open work may be kept and brought up to date from the audit log: the bound on
 * how long a change made outside Candor (by hand in psql, which the log never sees) can go unseen.
 */
const KEEP_MS = 60_000;
/** Beyond this many events since the last view, reading all the open work again is cheaper. */
const MAX_EVENTS = 500;
/** Audit entities that say nothing about open work. */
const UNRELATED = new Set(['user', 'report', 'notice_template']);

/**
 * The open work as kept between views: each open request's snapshot, and the due items of those that time
 * alone cannot change (worked out once; the rest are worked out at each view), also as one sorted list.
 */
interface Kept {
  /** The audit head it reflects. */
  head: number;
  /** When it was first read: it holds every request open at any later moment, until something changes. */
  at: Date;
  requests: Map<number, { snapshot: RequestSnapshot; items: DueItem[] | null }>;
  steady: DueItem[];
  moving: RequestSnapshot[];
}

/** Snapshots of these parts, with whether each can be reached for notice. */
async function snapshotsOf(db: Db, parts: SnapshotParts): Promise<RequestSnapshot[]> {
  return snapshotsFrom(
    parts,
    await noticeReach(
      db,
      parts.requests.map((r) => r.id),
    ),
  );
}

/** `prev` with these requests' snapshots put in place of what was kept of them. */
function keep(
  prev: Pick<Kept, 'requests' | 'steady'>,
  head: number,
  at: Date,
  replaced: ReadonlySet<number>,
  fresh: readonly RequestSnapshot[],
  policy: Config['policy'],
): Kept {
  const requests = new Map(prev.requests);
  for (const id of replaced) requests.delete(id);
  const added: DueItem[] = [];
  for (const s of fresh) {
    const items = changesWithTime(s) ? null : dueItems(s, at, policy);
    if (items) added.push(...items);
    requests.set(Number(s.id), { snapshot: s, items });
  }
  const moving = [...requests.values()].flatMap((r) => (r.items ? [] : [r.snapshot]));
  const kept = replaced.size ? prev.steady.filter((i) => !replaced.has(Number(i.requestId))) : prev.steady;
  // A sorted run and a short one: the sort merges them in about linear time.
  return { head, at, requests, steady: sortDue([...kept, ...added]), moving };
}

const NOTHING: Pick<Kept, 'requests' | 'steady'> = { requests: new Map(), steady: [] };

export function createDueService(deps: { db: Db; clock: Clock; config: Config }) {
  const { db, clock, config } = deps;
  const { policy } = config;
  let kept: Promise<Kept> | undefined;

  /** All the open work at `now`, read afresh. */
  async function readAll(head: number, now: Date): Promise<Kept> {
    const snapshots = await snapshotsOf(db, await openWork(db, now));
    return keep(NOTHING, head, now, new Set(), snapshots, policy);
  }

  /**
   * The kept open work brought up to `head`: only the requests the events since name are read again (a
   * contact names the requests of its account). An import, an unknown kind of event, or too many of them
   * read everything again.
   */
  async function bringUp(k: Kept, head: number, now: Date): Promise<Kept> {
    const events = await changedSince(db, k.head, head, MAX_EVENTS + 1);
    if (events.length > MAX_EVENTS) return readAll(head, now);
    const ids = new Set<number>();
    const accounts: string[] = [];
    for (const e of events) {
      if (UNRELATED.has(e.entity)) continue;
      if (e.entity === 'request' && e.entity_id !== null) ids.add(Number(e.entity_id));
      else if (e.entity === 'contact' && e.entity_id !== null) accounts.push(e.entity_id);
      else return readAll(head, now);
    }
    if (accounts.length) for (const id of await requestsOfAccounts(db, accounts)) ids.add(id);
    if (ids.size === 0) return { ...k, head };
    // What is no longer open drops out; one whose items move with time stays (each view filters it at its
    // own `now`), so the kept work still holds all that is open at any moment from k.at on.
    const fresh = (await snapshotsOf(db, await workOf(db, [...ids]))).filter(
      (s) => changesWithTime(s) || isOpenWork(s, now),
    );
    return keep(k, head, k.at, ids, fresh, policy);
  }

  /**
   * The open work for a view at `now`. The head is read first: a change committing meanwhile is either in
   * what is read or moves the head, so costs one more read at worst, never a stale view. Concurrent views
   * share one read.
   */
  async function openAt(now: Date): Promise<Kept> {
    const head = await headSeq(db);
    const k = await kept?.catch(() => undefined);
    const usable = k && k.at <= now && now.getTime() - k.at.getTime() < KEEP_MS && k.head <= head;
    if (usable && k.head === head) return k;
    const next = usable ? bringUp(k, head, now) : readAll(head, now);
    kept = next;
    next.catch(() => {
      if (kept === next) kept = undefined;
    });
    return next;
  }

  /** The filter the options ask for, with "mine" made the acting user. */
  function filterOf(actor: Actor, now: Date, o: DueOptions): DueFilter {
    if (o.mine && actor.userId === null) {
      throw new CandorError('invalid', '"mine" needs a named user (from the CLI: --assignee EMAIL)', [
        { field: 'mine', message: 'no user is signed in' },
      ]);
    }
    // The horizon includes its last instant, as it always has.
    const day = 86_400_000;
    const until =
      o.until ??
      (o.withinDays !== undefined
        ? new Date((Math.floor(now.getTime() / day) + o.withinDays + 1) * day)
        : o.horizonDays === undefined
          ? undefined
          : new Date(addDays(now, o.horizonDays).getTime() + 1));
    return {
      kinds: o.kinds,
      assignee: o.mine ? actor.userId : o.assignee,
      overdue: o.overdue,
      agency: o.agency,
      processTypes: o.processTypes,
      until,
    };
  }

  /**
   * Every due item at the view's `now` that passes `wanted`, soonest first. The open work is kept for all
   * viewers; a viewer without the restricted-matters grant has the restricted requests' items taken out here.
   */
  async function itemsAt(actor: Actor, now: Date, wanted0: (i: DueItem) => boolean): Promise<DueItem[]> {
    const hidden = (await sightFor(db, actor)) === 'all' ? null : await restrictedIds(db);
    const wanted = hidden ? (i: DueItem) => !hidden.has(Number(i.requestId)) && wanted0(i) : wanted0;
    const open = await openAt(now);
    const moving = open.moving
      .filter((s) => isOpenWork(s, now))
      .flatMap((s) => dueItems(s, now, policy))
      .filter(wanted);
    const steady = open.steady.filter(wanted);
    // Two sorted runs: the sort merges them in about linear time.
    return moving.length ? sortDue([...steady, ...moving]) : steady;
  }

  return {
    /**
     * Every due item at `now`, for the reminder job (services/reminders.ts) only: it checks no role, as
     * the job acts for no user; what a reminder says is decided by the reminder rules.
     */
    itemsForReminders(now: Date): Promise<DueItem[]> {
      // The job acts for no user, so it sees restricted requests; the reminder rules send them only to users
      // who hold the grant.
      return itemsAt({ label: 'system:reminders', userId: null, role: 'admin' }, now, () => true);
    },

    /** Every dated obligation on open work, soonest first, each with the rule that created it. */
    async list(actor: Actor, o: DueOptions = {}): Promise<PresentedDue[]> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      return (await itemsAt(actor, now, dueMatcher(filterOf(actor, now, o), now))).map((i) =>
        presentDue(i, now),
      );
    },

    /**
     * The work queue: the items the filter lets through in the order asked (soonest first by default), one
     * page of them, with the total, the overdue count and the counts per kind under the other filters.
     */
    async queue(actor: Actor, o: QueueOptions = {}): Promise<QueuePage> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      const f = filterOf(actor, now, o);
      const byKind = dueMatcher(f, now);
      const all = await itemsAt(actor, now, dueMatcher(f, now, false));
      const counts = Object.fromEntries(DUE_KINDS.map((k) => [k, 0])) as Record<DueKind, number>;
      const items: DueItem[] = [];
      let overdue = 0;
      for (const i of all) {
        counts[i.kind]++;
        if (!byKind(i)) continue;
        items.push(i);
        if (i.dueAt <= now) overdue++;
      }
      if (o.sort === 'latest') items.reverse();
      const offset = o.offset ?? 0;
      const limit = o.limit ?? 50;
      return {
        total: items.length,
        overdue,
        counts,
        offset,
        limit,
        items: items.slice(offset, offset + limit).map((i) => presentDue(i, now)),
      };
    },

    /** How many items there are and how many overdue, with the first `shown` of them (for the dashboard). */
    async summary(
      actor: Actor,
      o: DueOptions & { shown: number },
    ): Promise<{ total: number; overdue: number; items: PresentedDue[] }> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      const items = await itemsAt(actor, now, dueMatcher(filterOf(actor, now, o), now));
      // Soonest first: the overdue ones lead.
      let overdue = 0;
      while (overdue < items.length && (items[overdue] as DueItem).dueAt <= now) overdue++;
      return {
        total: items.length,
        overdue,
        items: items.slice(0, o.shown).map((i) => presentDue(i, now)),
      };
    },
  };
}
export type DueService = ReturnType<typeof createDueService>;
