import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import {
  dueItems,
  sortDue,
  DUE_KINDS,
  type DueItem,
  type DueKind,
  type RequestSnapshot,
} from '../domain/due.ts';
import { addDays } from '../domain/policy-config.ts';
import { openWork, type SnapshotParts } from '../repositories/workflow-repository.ts';
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

/**
 * Turns the rows of a set of requests into the plain snapshots the rules read. Until customer contacts and the
 * notice outbox exist, an account named on the request counts as reachable and no notice has failed.
 */
export function snapshotsFrom(parts: SnapshotParts): RequestSnapshot[] {
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
      noticeFailedAt: null,
      accountsHaveContact: Number(r.accounts) > 0,
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

export function createDueService(deps: { db: Db; clock: Clock; config: Config }) {
  const { db, clock, config } = deps;
  return {
    /** Every dated obligation on open work, soonest first, each with the rule that created it. */
    async list(actor: Actor, o: DueOptions = {}): Promise<PresentedDue[]> {
      authorize(actor, 'request.read');
      const now = o.now ?? clock();
      const snapshots = snapshotsFrom(await openWork(db, now));
      const until = o.horizonDays === undefined ? null : addDays(now, o.horizonDays);
      const kinds = new Set<DueKind>(o.kinds?.length ? o.kinds : DUE_KINDS);
      const items = snapshots
        .flatMap((s) => dueItems(s, now, config.policy))
        .filter((i) => kinds.has(i.kind) && (until === null || i.dueAt <= until));
      return sortDue(items).map((i) => presentDue(i, now));
    },
  };
}
export type DueService = ReturnType<typeof createDueService>;
