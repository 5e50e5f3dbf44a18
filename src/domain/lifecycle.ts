import type { RequestStatus } from './vocabulary.ts';

/**
 * The request status machine: received -> in_review -> (awaiting_information <-> in_review) -> responded ->
 * closed. A responded or closed request may be reopened into review, but only with a stated reason, because
 * reopening changes what a published report may have counted.
 */

const NEXT: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = {
  received: ['in_review'],
  in_review: ['awaiting_information', 'responded'],
  awaiting_information: ['in_review'],
  responded: ['closed', 'in_review'],
  closed: ['in_review'],
};

/** A transition check: ok, or the invalid_state error with a message. */
export type TransitionResult = { ok: true } | { ok: false; code: 'invalid_state'; message: string };

/** The statuses a request in `from` may move to. */
export function allowedTransitions(from: RequestStatus): readonly RequestStatus[] {
  return NEXT[from];
}

/** Whether the machine has an edge from `from` to `to` (ignoring the reason a reopen needs). */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return NEXT[from].includes(to);
}

/** True for the edges that reopen a finished request. */
export function isReopen(from: RequestStatus, to: RequestStatus): boolean {
  return (from === 'responded' || from === 'closed') && to === 'in_review';
}

/** Checks one transition; a reopen needs a non-empty reason. */
export function checkTransition(
  from: RequestStatus,
  to: RequestStatus,
  opts: { reason?: string | null } = {},
): TransitionResult {
  if (!canTransition(from, to)) {
    const allowed = NEXT[from].join(', ');
    return {
      ok: false,
      code: 'invalid_state',
      message: `cannot move a request from ${from} to ${to} (allowed: ${allowed})`,
    };
  }
  if (isReopen(from, to) && !opts.reason?.trim()) {
    return { ok: false, code: 'invalid_state', message: `reopening a ${from} request needs a reason` };
  }
  return { ok: true };
}
