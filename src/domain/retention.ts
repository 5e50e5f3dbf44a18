import { addDays, type PolicyConfig } from './policy-config.ts';
import type { DocumentKind, RequestStatus } from './vocabulary.ts';

/**
 * When a document may be purged. The retention clock of a kind starts when its request is closed: a
 * closed request's last change is taken as the moment it closed (any later change restarts the clock, which
 * only ever delays a purge). A document under legal hold is never purged; nor is one of a request that is
 * still open. A document uploaded for a request that was never recorded (the new-request page's upload)
 * goes after a day.
 */
export interface RetentionFacts {
  kind: DocumentKind;
  legalHold: boolean;
  uploadedAt: Date;
  /** Null while the document belongs to no request yet. */
  request: { status: RequestStatus; changedAt: Date } | null;
}

export type RetentionVerdict = { purge: true; reason: string } | { purge: false; reason: string };

export const PENDING_UPLOAD_DAYS = 1;

export function retentionVerdict(f: RetentionFacts, policy: PolicyConfig, now: Date): RetentionVerdict {
  if (f.legalHold) return { purge: false, reason: 'under legal hold' };
  if (!f.request) {
    const until = addDays(f.uploadedAt, PENDING_UPLOAD_DAYS);
    return until <= now
      ? { purge: true, reason: 'uploaded for a request that was never recorded' }
      : { purge: false, reason: `not attached yet (kept until ${until.toISOString()})` };
  }
  const days = policy.documents.retentionDays[f.kind];
  if (days === null) return { purge: false, reason: `${f.kind} documents are kept without limit` };
  if (f.request.status !== 'closed') return { purge: false, reason: 'the request is not closed' };
  const until = addDays(f.request.changedAt, days);
  return until <= now
    ? { purge: true, reason: `${days} days after the request closed (${f.kind})` }
    : { purge: false, reason: `kept until ${until.toISOString().slice(0, 10)}` };
}
