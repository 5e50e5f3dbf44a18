import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createAuditService } from './audit.ts';
import { createAuthService } from './auth.ts';
import { createDashboardService } from './dashboard.ts';
import { createImportService } from './importer.ts';
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
    auth: createAuthService(deps),
    dashboard: createDashboardService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
