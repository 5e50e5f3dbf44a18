import type { Db } from '../../db/connect.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { readSetting, REQUIRE_SECOND_FACTOR, writeSetting } from '../../repositories/sessions-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';

/**
 * The admin's sign-in settings. The first: every local account (one that signs in with a password) must have a
 * second factor; a password session of a user without one reaches only the enrolment page until they turn it on
 * (sessions.ts `mustEnrol`). Sessions opened through single sign-on are the provider's to protect.
 */
export function createSignInSettings(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async secondFactorRequired(): Promise<boolean> {
      return (await readSetting(db, REQUIRE_SECOND_FACTOR)) === true;
    },

    async requireSecondFactor(actor: Actor, on: boolean): Promise<void> {
      authorize(actor, 'user.manage');
      await db.transaction().execute(async (trx) => {
        const before = (await readSetting(trx, REQUIRE_SECOND_FACTOR)) === true;
        if (before === on) return;
        const now = clock();
        await writeSetting(trx, REQUIRE_SECOND_FACTOR, on, now, actor.label);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'settings.change',
          entity: 'settings',
          entityId: REQUIRE_SECOND_FACTOR,
          before: { [REQUIRE_SECOND_FACTOR]: before },
          after: { [REQUIRE_SECOND_FACTOR]: on },
        });
      });
    },
  };
}
