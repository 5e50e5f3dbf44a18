import type { ProcessType, Role } from './vocabulary.ts';

/**
 * Restricted matters (docs/workflow.md, "Restricted matters"): a restricted request is seen — its existence,
 * facts, documents and audit details — only by users holding the restricted-matters grant. Everyone else meets
 * it only inside the published report's lawful bands.
 */

/**
 * National-security process: always restricted (the database enforces it too, by trigger and check). A foreign
 * national-security order (e.g. a UK Investigatory Powers Act warrant) is too: such orders carry their own
 * secrecy duties (the IPA forbids disclosing an interception warrant's existence, s. 57 [verify]), which the
 * provider cannot weigh case by case at intake, so they are need-to-know, like NSLs and FISA orders
 * (docs/reports.md, "Foreign national-security orders").
 */
export const ALWAYS_RESTRICTED: readonly ProcessType[] = Object.freeze([
  'national_security_letter',
  'fisa_content_order',
  'fisa_non_content_order',
  'foreign_national_security_order',
]);

/** Whether a request of this process type must be restricted whatever the intake says. */
export const alwaysRestricted = (p: ProcessType): boolean => ALWAYS_RESTRICTED.includes(p);

/** The flag a request is stored with: national-security process always, otherwise as the intake asked. */
export const restrictedFlag = (p: ProcessType, asked: boolean | null | undefined): boolean =>
  alwaysRestricted(p) || asked === true;

/**
 * What a viewer may see. `all`: every request (a grant holder, or the host's operator at the terminal, who can
 * read the database files anyway); `unrestricted`: restricted requests do not exist for this viewer.
 */
export type Sight = 'all' | 'unrestricted';

/**
 * The sight of an actor. The grant is need-to-know: an admin is NOT granted by being an admin (admins manage
 * users, not matters), but may grant themselves, which is audited like any grant. An actor without a user id is
 * the operator at the terminal or the server's own background work, who see everything.
 */
export function sightOf(who: { userId: number | null; role: Role }, granted: boolean): Sight {
  if (who.userId === null) return 'all';
  return granted ? 'all' : 'unrestricted';
}

/** Who may mark a request restricted or clear the mark: only those who can see restricted matters. */
export function mayChangeRestriction(sight: Sight): boolean {
  return sight === 'all';
}
