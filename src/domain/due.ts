import { motionToQuashDueAt, responseDueAt } from './deadlines.ts';
import { followUpDue } from './emergency.ts';
import { ndoInForce, nextReviewAt, type Ndo } from './ndo.ts';
import { noticeDecision } from './notice-policy.ts';
import type { PolicyConfig } from './policy-config.ts';
import { holdExpiresAt, holdState, type Hold } from './preservation.ts';
import type {
  Channel,
  DataSought,
  DueKind,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequestStatus,
} from './vocabulary.ts';

/**
 * The due list: every dated obligation the legal team has, derived from plain request snapshots at `now`.
 * Items carry the rule that created them, so a reader can check why something is due.
 */

export { DUE_KINDS, type DueKind } from './vocabulary.ts';

/** Each kind in words, as the work queue and the reminder e-mails name it. */
export const DUE_KIND_LABELS: Readonly<Record<DueKind, string>> = {
  response_deadline: 'Response deadline',
  notice_owed: 'Notice owed',
  hold_expiring: 'Hold expiring',
  gag_review: 'Gag order review',
  emergency_follow_up: 'Emergency follow-up',
  notice_failed: 'Notice failed',
  motion_to_quash: 'Motion to quash (2703(h)(2))',
};

/** One dated obligation on one request. */
export interface DueItem {
  kind: DueKind;
  requestId: string;
  externalRef: string;
  /** The rule that created the item, with its citation. */
  rule: string;
  dueAt: Date;
  detail: string;
  /** The request's facts the work queue filters on. */
  processType: ProcessType;
  /** An emergency request: its reminders also go to those who may approve the disclosure. */
  emergency: boolean;
  assignedTo: number | null;
  /** The assignee's e-mail address, for display. */
  assignee: string | null;
  agency: string;
}

/** What the due list needs to know about one request: plain data, no database rows. */
export interface RequestSnapshot {
  id: string;
  externalRef: string;
  status: RequestStatus;
  processType: ProcessType;
  channel: Channel;
  emergency: boolean;
  /** What the process asks for (the 2703(h)(2) motion concerns content only). */
  dataSought: readonly DataSought[];
  /** Whether the targeted customer is a US person or in the US; null while unknown. */
  targetUsPerson: boolean | null;
  receivedAt: Date;
  respondedAt: Date | null;
  outcome: Outcome | null;
  ndos: readonly Ndo[];
  holds: readonly (Hold & { releasedAt: Date | null })[];
  noticeStatus: NoticeStatus | null;
  noticeFailedAt: Date | null;
  accountsHaveContact: boolean;
  emergencyPassedAt: Date | null;
  /** When the legal process following an emergency disclosure arrived. */
  followUpReceivedAt: Date | null;
  /** The handler it is assigned to (a user id), if any, and their e-mail address. */
  assignedTo: number | null;
  assignee: string | null;
  /** The requesting agency's name. */
  agency: string;
}

const OPEN: readonly RequestStatus[] = ['received', 'in_review', 'awaiting_information'];
const DISCLOSED: readonly Outcome[] = ['non_content_produced', 'content_produced'];
/** Notice statuses a person recorded as final; the engine does not reopen them. */
const SETTLED: readonly (NoticeStatus | null)[] = ['sent', 'not_possible', 'not_applicable'];

const item = (s: RequestSnapshot, kind: DueKind, dueAt: Date, rule: string, detail: string): DueItem => ({
  kind,
  requestId: s.id,
  externalRef: s.externalRef,
  rule,
  dueAt,
  detail,
  processType: s.processType,
  emergency: s.emergency,
  assignedTo: s.assignedTo,
  assignee: s.assignee,
  agency: s.agency,
});

function responseRule(s: RequestSnapshot): string {
  if (s.channel === 'eu_e_evidence' && s.processType !== 'preservation_request') {
    return s.emergency
      ? 'EPOC emergency: 8 hours (Reg. (EU) 2023/1543 Art. 10(4))'
      : 'EPOC: 10 days (Art. 10(3))';
  }
  if (s.channel === 'dsa_art_9' || s.channel === 'dsa_art_10') {
    return `DSA Art. ${s.channel === 'dsa_art_9' ? '9(1)' : '10(1)'}: without undue delay (policy target)`;
  }
  return s.emergency ? 'emergency response target (policy)' : `response target for ${s.processType} (policy)`;
}

/** The response deadline of an open request. */
export function responseDeadlineItems(s: RequestSnapshot, policy: PolicyConfig): DueItem[] {
  if (!OPEN.includes(s.status)) return [];
  const at = responseDueAt(s, policy);
  return at ? [item(s, 'response_deadline', at, responseRule(s), `respond to ${s.processType}`)] : [];
}

/**
 * The last day to move to quash or modify content process for a customer who is not a US person
 * (18 U.S.C. 2703(h)(2)), while the request is still open: after a response the motion is moot.
 */
export function motionToQuashItems(s: RequestSnapshot, policy: PolicyConfig): DueItem[] {
  if (!OPEN.includes(s.status)) return [];
  const at = motionToQuashDueAt(s, policy);
  if (!at) return [];
  const rule = 'motion to quash or modify: 14 days from service (18 U.S.C. 2703(h)(2))';
  const detail =
    'customer recorded as not a US person: if disclosure risks violating the law of a qualifying foreign ' +
    'government, counsel may move to quash; preserve meanwhile (2703(h)(4))';
  return [item(s, 'motion_to_quash', at, rule, detail)];
}

/** Notice owed now, or the date held-back notice becomes owed. */
export function noticeItems(s: RequestSnapshot, now: Date, policy: PolicyConfig): DueItem[] {
  if (SETTLED.includes(s.noticeStatus)) return [];
  const d = noticeDecision({
    ndos: s.ndos,
    emergency: s.emergency,
    respondedAt: s.respondedAt,
    outcome: s.outcome,
    processType: s.processType,
    accountsHaveContact: s.accountsHaveContact,
    emergencyPassedAt: s.emergencyPassedAt,
    now,
    policy,
  });
  if (d.status === 'pending') {
    const at = d.dueAt ?? responseDueAt(s, policy) ?? s.receivedAt;
    return [item(s, 'notice_owed', at, `customer notice, ${d.kind} (notice policy)`, d.reason)];
  }
  if (d.status === 'not_possible') {
    // Owed but undeliverable: say so rather than drop it, until someone adds a contact or records why not.
    const at = d.dueAt ?? responseDueAt(s, policy) ?? s.receivedAt;
    const detail = 'no customer contact on file: add one, or record the notice as not possible';
    return [item(s, 'notice_owed', at, 'customer notice, no reachable contact (notice policy)', detail)];
  }
  if (d.dueAt) {
    const held =
      d.status === 'prohibited_by_order'
        ? 'held back by a non-disclosure order (18 U.S.C. 2705(b), 2709(c))'
        : 'held back until the emergency has passed (policy)';
    return [item(s, 'notice_owed', d.dueAt, `customer notice, ${held}`, d.reason)];
  }
  return [];
}

/** Each unreleased hold, due when it expires (expired ones stay until released). */
export function holdItems(s: RequestSnapshot, now: Date, policy: PolicyConfig): DueItem[] {
  return s.holds
    .filter((h) => h.releasedAt === null)
    .map((h) => {
      const rule =
        h.regime === 'eu_epoc_pr'
          ? 'EPOC-PR: 60 days, one 30-day extension (Reg. (EU) 2023/1543 Art. 11(1))'
          : h.regime === 'foreign'
            ? 'foreign preservation, honoured on 2703(f) terms (policy; not a 2703(f) request, 2711(4))'
            : 'preservation: 90 days, one 90-day extension (18 U.S.C. 2703(f)(2))';
      const at = holdExpiresAt(h.startedAt, h.extensions, policy, h.regime);
      return item(s, 'hold_expiring', at, rule, `hold ${holdState(h, now, policy)}; extend, or release`);
    });
}

/** The next review of each order still in force (yearly, or every 3 years for NSL and FISA gags). */
export function gagReviewItems(s: RequestSnapshot, now: Date, policy: PolicyConfig): DueItem[] {
  return s.ndos.flatMap((n) => {
    if (!ndoInForce(n, now)) return [];
    const at = nextReviewAt({ ...n, issuedAt: n.issuedAt ?? s.receivedAt }, policy);
    const rule =
      n.authority === 'nsl_2709c' || n.authority === 'fisa'
        ? 'national-security gag review every 3 years (policy; 18 U.S.C. 2709(c), 50 U.S.C. 1874)'
        : 'review of an open-ended non-disclosure order (policy; 18 U.S.C. 2705(b), DOJ 2017 memo)';
    return at
      ? [item(s, 'gag_review', at, rule, `review the ${n.authority} order; ask whether it is still needed`)]
      : [];
  });
}

/** The legal process expected after an emergency disclosure. */
export function emergencyFollowUpItems(s: RequestSnapshot, policy: PolicyConfig): DueItem[] {
  if (
    !s.emergency ||
    !s.respondedAt ||
    s.followUpReceivedAt ||
    !s.outcome ||
    !DISCLOSED.includes(s.outcome)
  ) {
    return [];
  }
  const rule = 'follow-up legal process after emergency disclosure (policy; 18 U.S.C. 2702(b)(8), (c)(4))';
  return [
    item(s, 'emergency_follow_up', followUpDue(s.respondedAt, policy), rule, 'ask the agency for process'),
  ];
}

/** A notice that could not be delivered. */
export function noticeFailedItems(s: RequestSnapshot): DueItem[] {
  if (!s.noticeFailedAt || s.noticeStatus === 'sent') return [];
  const rule = 'customer notice could not be delivered (notice policy)';
  return [item(s, 'notice_failed', s.noticeFailedAt, rule, 'retry, or record notice as not possible')];
}

/**
 * Whether a request is open work at `now`: not closed, or closed with its notice undecided, an unreleased
 * hold, or an order not lifted and not expired. The same set `openWork` selects in SQL.
 */
export function isOpenWork(s: RequestSnapshot, now: Date): boolean {
  return (
    s.status !== 'closed' ||
    !SETTLED.includes(s.noticeStatus) ||
    s.holds.some((h) => h.releasedAt === null) ||
    s.ndos.some((n) => n.liftedAt === null && (n.expiresAt === null || n.expiresAt > now))
  );
}

/**
 * Whether the due items of a request can change by time passing alone: only orders (which expire), holds
 * (whose state moves) and emergencies (whose notice delay runs out) read `now`. The items of any other request
 * stay as they are until the request itself changes.
 */
export function changesWithTime(s: RequestSnapshot): boolean {
  return s.emergency || s.ndos.length > 0 || s.holds.length > 0;
}

/** Every due item of one request at `now`, soonest first. */
export function dueItems(s: RequestSnapshot, now: Date, policy: PolicyConfig): DueItem[] {
  return sortDue([
    ...responseDeadlineItems(s, policy),
    ...motionToQuashItems(s, policy),
    ...noticeItems(s, now, policy),
    ...holdItems(s, now, policy),
    ...gagReviewItems(s, now, policy),
    ...emergencyFollowUpItems(s, policy),
    ...noticeFailedItems(s),
  ]);
}

// Code-unit order rather than localeCompare, so the order never depends on the machine's locale.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Soonest first; ties by kind, then request id; equal items keep their order. */
export function sortDue<T extends Pick<DueItem, 'dueAt' | 'kind' | 'requestId'>>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) =>
      a.dueAt.getTime() - b.dueAt.getTime() || compare(a.kind, b.kind) || compare(a.requestId, b.requestId),
  );
}

/** What the work queue narrows the due items to; every field left out lets everything through. */
export interface DueFilter {
  kinds?: readonly DueKind[];
  /** Only the items of requests assigned to this user; null: only those assigned to nobody. */
  assignee?: number | null;
  /** Only what is due at or before `now`. */
  overdue?: boolean;
  /** Only requests from agencies whose name contains this (any case). */
  agency?: string;
  processTypes?: readonly ProcessType[];
  /** Only what is due before this instant (overdue items always pass). */
  until?: Date;
}

/** The test one item must pass; `withKinds: false` leaves the kind out (for the counts per kind). */
export function dueMatcher(f: DueFilter, now: Date, withKinds = true): (i: DueItem) => boolean {
  const kinds = withKinds && f.kinds?.length ? new Set(f.kinds) : null;
  const types = f.processTypes?.length ? new Set(f.processTypes) : null;
  const agency = f.agency?.trim().toLowerCase() || null;
  return (i) =>
    (!kinds || kinds.has(i.kind)) &&
    (f.assignee === undefined || i.assignedTo === f.assignee) &&
    (!f.overdue || i.dueAt <= now) &&
    (!types || types.has(i.processType)) &&
    (!agency || i.agency.toLowerCase().includes(agency)) &&
    (!f.until || i.dueAt < f.until || i.dueAt <= now);
}
