import { CandorError } from '../errors.ts';
import type { Role } from '../domain/vocabulary.ts';

/** Who is acting: a signed-in user, an API token's user, or the local operator running the CLI. */
export interface Actor {
  /** Stable label written into the audit log, e.g. `user:3 (ana@example.com)` or `cli:root`. */
  label: string;
  userId: number | null;
  role: Role;
}

export const ACTIONS = {
  'request.read': ['viewer', 'handler', 'approver', 'publisher', 'admin'],
  'request.create': ['handler', 'approver', 'admin'],
  'request.update': ['handler', 'approver', 'admin'],
  'request.import': ['handler', 'approver', 'admin'],
  'request.approve': ['approver', 'admin'],
  'request.transition': ['handler', 'approver', 'admin'],
  'request.assign': ['handler', 'approver', 'admin'],
  'request.respond': ['handler', 'approver', 'admin'],
  // Comments and correspondence (docs/workflow.md): those who work a request write them; every reader reads them.
  'request.comment': ['handler', 'approver', 'admin'],
  'correspondence.record': ['handler', 'approver', 'admin'],
  'emergency.record': ['handler', 'approver', 'admin'],
  'hold.manage': ['handler', 'approver', 'admin'],
  'hold.release': ['admin'],
  'ndo.manage': ['handler', 'approver', 'admin'],
  'notice.record': ['handler', 'approver', 'admin'],
  // A court challenge of a request (issue 16.2): recorded by those who work the request.
  'challenge.record': ['handler', 'approver', 'admin'],
  'report.read': ['viewer', 'handler', 'approver', 'publisher', 'admin'],
  'report.freeze': ['publisher', 'admin'],
  'report.publish': ['publisher', 'admin'],
  // The "How we handle requests" policy published with every report (docs/reports.md).
  'report.policy': ['publisher', 'admin'],
  'audit.verify': ['viewer', 'handler', 'approver', 'publisher', 'admin'],
  'user.manage': ['admin'],
  'keys.rotate': ['admin'],
  'contact.manage': ['handler', 'approver', 'admin'],
  'notice.read': ['handler', 'approver', 'admin'],
  'notice.send': ['handler', 'approver', 'admin'],
  'notice.template': ['admin'],
  // Documents (docs/documents.md): everyone sees that documents exist; their content is legal data.
  'document.list': ['viewer', 'handler', 'approver', 'publisher', 'admin'],
  'document.read': ['handler', 'approver', 'admin'],
  'document.upload': ['handler', 'approver', 'admin'],
  'document.delete': ['admin'],
  'document.hold': ['approver', 'admin'],
  'document.purge': ['admin'],
  'production.record': ['handler', 'approver', 'admin'],
  'production.read': ['handler', 'approver', 'admin'],
  'certification.template': ['admin'],
  // The agency portal (docs/portal.md): admins keep the domain rules and review registrations.
  'portal.manage': ['admin'],
  'portal.intake': ['handler', 'approver', 'admin'],
  'portal.release': ['handler', 'approver', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Action = keyof typeof ACTIONS;

export function can(actor: Actor, action: Action): boolean {
  return (ACTIONS[action] as readonly Role[]).includes(actor.role);
}

/** The one authorization check, called by every service before it touches data. */
export function authorize(actor: Actor, action: Action): void {
  if (!can(actor, action)) {
    throw new CandorError('forbidden', `the ${actor.role} role may not ${action.replace('.', ' ')}`);
  }
}
