import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createAuditService } from './audit.ts';
import { CandorError } from '../errors.ts';
import { createImportService } from './importer.ts';
import { createPublishService } from './publish.ts';
import { createRequestService, type Clock } from './requests.ts';
import { createUserService } from './users.ts';

export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
}

/** Wires every service with plain functions: no container. */
export function createServices(deps: Deps) {
  return {
    requests: createRequestService(deps),
    imports: createImportService(deps),
    users: createUserService(deps),
    audit: createAuditService(deps),
    // The reports service (freeze/correct) provides the versions; connected when it lands.
    publish: createPublishService({
      ...deps,
      frozenVersions: () =>
        Promise.reject(new CandorError('unavailable', 'report versions are not available yet')),
    }),
  };
}
export type Services = ReturnType<typeof createServices>;
