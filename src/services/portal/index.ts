import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { KeyringSource } from '../../keys/source.ts';
import type { Vault } from '../documents/vault.ts';
import type { Mailer } from '../mailer.ts';
import type { Clock } from '../requests.ts';
import { createPortalAccounts } from './accounts.ts';
import { portalBase, portalMail } from './common.ts';
import { createPortalIntake } from './intake.ts';
import { createPortalReleases } from './releases.ts';
import { createPortalSessions } from './sessions.ts';
import { createPortalSubmissions } from './submissions.ts';

/** The agency portal's services (docs/portal.md): the officers' realm, and the legal team's side of it. */
export function createPortalService(deps: {
  db: Db;
  clock: Clock;
  config: Config;
  keys: KeyringSource;
  mailer?: Mailer;
  vault: Vault;
}) {
  const mail = portalMail(deps);
  const base = portalBase(deps.config);
  const sessions = createPortalSessions({ ...deps, mail, base });
  const accounts = createPortalAccounts({ ...deps, mail, base, sessions });
  return {
    base,
    sessions,
    accounts,
    submissions: createPortalSubmissions({ ...deps, mail }),
    intake: createPortalIntake({ ...deps, mail, base, accounts }),
    releases: createPortalReleases({ ...deps, mail, base }),
  };
}
export type PortalService = ReturnType<typeof createPortalService>;
