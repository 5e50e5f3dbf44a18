import type { z } from 'zod';
import type { AccessMode, Channel, ProcessType, RequesterClass } from './vocabulary.ts';

/**
 * Rules of the process a request carries (issue 16.2): informal requests and stored vs real-time access.
 * `requestInput` (request-input.ts) calls `processRules`, so every door (API, import, PATCH, web, CLI, demo)
 * refuses the same things with the same words.
 */

/**
 * What an informal government request (channel `informal`: a referral, a call, a flagging; no legal process)
 * may be recorded as. It has no legal process, so no warrant, order, subpoena or statutory letter: a
 * content flagging is a `takedown_request`, anything else (an informal call for data) is `other`. An
 * emergency disclosure request has its own statutory basis (18 U.S.C. 2702(b)(8)) and table, and a
 * preservation request its own (2703(f)): both stay formal.
 */
export const INFORMAL_PROCESS_TYPES = ['takedown_request', 'other'] as const satisfies readonly ProcessType[];

/**
 * Process that reaches data in real time by its nature (a Title III wiretap, a pen register / trap-and-trace
 * order, DOMAIN.md §3): prospective whatever the intake says. The shared schema refuses `stored` for them; left
 * out, the access mode is recorded as `prospective` (`accessModeOf`).
 */
export const PROSPECTIVE_PROCESS: readonly ProcessType[] = ['wiretap_order', 'pen_register_order'];

/** The access mode to store: the one given, else `prospective` for real-time process, else not recorded. */
export function accessModeOf(
  processType: ProcessType,
  given: AccessMode | null | undefined,
): AccessMode | null {
  return given ?? (PROSPECTIVE_PROCESS.includes(processType) ? 'prospective' : null);
}

interface ProcessFacts {
  channel: Channel;
  process_type: ProcessType;
  requester_class: RequesterClass;
  access_mode?: AccessMode | null;
}

/** The cross-field rules of this file, as issues on the shared schema's context. */
export function processRules(r: ProcessFacts, ctx: z.RefinementCtx): void {
  if (r.channel === 'informal') {
    if (!(INFORMAL_PROCESS_TYPES as readonly ProcessType[]).includes(r.process_type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['process_type'],
        message: `expected ${INFORMAL_PROCESS_TYPES.join(' or ')}: an informal request (channel informal) has no legal process; a request that came with legal process is recorded under its legal channel`,
      });
    }
    if (r.requester_class !== 'government') {
      ctx.addIssue({
        code: 'custom',
        path: ['channel'],
        message:
          'expected a channel of legal process: informal is a channel of government requests, a civil litigant acts through legal process',
      });
    }
  }
  if (r.access_mode === 'stored' && PROSPECTIVE_PROCESS.includes(r.process_type)) {
    ctx.addIssue({
      code: 'custom',
      path: ['access_mode'],
      message: `expected prospective (or empty): a ${r.process_type} collects in real time`,
    });
  }
}
