import type { NoticeDecision } from './notice-policy.ts';
import type { NoticeStatus } from './vocabulary.ts';

/**
 * What a person may record as the notice status. Notice must be impossible through every path while a
 * non-disclosure order binds (18 U.S.C. 2705(b)) or an emergency delay runs, so `sent` and `pending` are
 * refused then; `prohibited_by_order` needs an order that binds. Everything else is the team's judgement.
 */
export function checkNoticeChange(
  to: NoticeStatus,
  decision: NoticeDecision,
): { ok: true } | { ok: false; code: 'invalid_state'; message: string } {
  const held = decision.status === 'prohibited_by_order' || decision.status === 'delayed_emergency';
  if (held && (to === 'sent' || to === 'pending')) {
    return { ok: false, code: 'invalid_state', message: `notice cannot be ${to}: ${decision.reason}` };
  }
  if (to === 'prohibited_by_order' && decision.status !== 'prohibited_by_order') {
    return {
      ok: false,
      code: 'invalid_state',
      message:
        'notice cannot be prohibited_by_order: no non-disclosure order is in force; record the order first',
    };
  }
  return { ok: true };
}
