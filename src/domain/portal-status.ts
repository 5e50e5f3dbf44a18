import type { Outcome } from './vocabulary.ts';

/** What an officer sees of a submission (docs/portal.md): never the legal team's internal workflow. */
export const PORTAL_STATUSES = ['received', 'in_review', 'responded', 'refused', 'withdrawn'] as const;
export type PortalStatus = (typeof PORTAL_STATUSES)[number];

export const PORTAL_STATUS_TEXT: Record<PortalStatus, string> = {
  received: 'Received: waiting for the legal team to accept it',
  in_review: 'In review by the legal team',
  responded: 'Responded',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
};

/** The officer-facing status of a submission, from its own state and the outcome of the request it became. */
export function portalStatus(
  state: 'received' | 'accepted' | 'refused' | 'withdrawn',
  outcome: Outcome | null,
): PortalStatus {
  if (state === 'refused' || state === 'withdrawn') return state;
  // An emergency is a request from the moment it arrives, and the team may answer it before anyone accepts it
  // in the queue: its answer reaches the officer all the same (only an emergency has an outcome while received).
  if (outcome === null) return state === 'received' ? 'received' : 'in_review';
  if (outcome === 'rejected') return 'refused';
  if (outcome === 'withdrawn' || outcome === 'withdrawn_after_notice_policy') return 'withdrawn';
  return 'responded';
}
