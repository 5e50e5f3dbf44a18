import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import {
  changesWithTime,
  dueItems,
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
import { authorize, type Actor } from './authorize.ts';
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
  };
}
export type PresentedDue = ReturnType<typeof presentDue>;

export interface DueOptions {
  /** Defaults to the service clock. */
  now?: Date;
  /** Only items due within this many days from now (overdue ones always show). */
  horizonDays?: number;
  kinds?: DueKind[];
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

  /** The due items at the view's `now` with the options' kinds and horizon, soonest first. */
  async function itemsAt(now: Date, o: DueOptions): Promise<DueItem[]> {
    const open = await openAt(now);
    const until = o.horizonDays === undefined ? null : addDays(now, o.horizonDays);
    const kinds = new Set<DueKind>(o.kinds?.length ? o.kinds : DUE_KINDS);
    const wanted = (i: DueItem) => kinds.has(i.kind) && (until === null || i.dueAt <= until);
    const moving = open.moving
      .filter((s) => isOpenWork(s, now))
      .flatMap((s) => dueItems(s, now, policy))
      .filter(wanted);
    const steady = open.steady.filter(wanted);
    // Two sorted runs: the sort merges them in about linear time.
    return moving.length ? sortDue([...steady, ...moving]) : steady;
  }

  return {
    /** Every dated obligation on open work, soonest first, each with the rule that created it. */
    async list(actor: Actor, o: DueOptions = {}): Promise<PresentedDue[]> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      return (await itemsAt(now, o)).map((i) => presentDue(i, now));
    },

    /** How many items there are and how many overdue, with the first `shown` of them (for the dashboard). */
    async summary(
      actor: Actor,
      o: DueOptions & { shown: number },
    ): Promise<{ total: number; overdue: number; items: PresentedDue[] }> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      const items = await itemsAt(now, o);
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
