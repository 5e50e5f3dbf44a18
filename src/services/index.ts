import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createAuditService } from './audit.ts';
import { createDueService } from './due.ts';
import { createImportService } from './importer.ts';
import type { Mailer } from './mailer.ts';
import { createNoticeWorker } from './notice-worker.ts';
import { createNoticeService } from './notices.ts';
import { CandorError } from '../errors.ts';
import { createPublishService } from './publish.ts';
import { createRequestService, type Clock } from './requests.ts';
import { createUserService } from './users.ts';
import { createWorkflowService } from './workflow.ts';

export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Where notices go; by default from config (SMTP, or .eml files in the data directory). */
  mailer?: Mailer;
}

/** Wires every service with plain functions: no container. */
export function createServices(deps: Deps) {
  return {
    requests: createRequestService(deps),
    imports: createImportService(deps),
    users: createUserService(deps),
    audit: createAuditService(deps),
    workflow: createWorkflowService(deps),
    due: createDueService(deps),
    notices: createNoticeService(deps),
    noticeWorker: createNoticeWorker(deps),
    // The reports service (freeze/correct) provides the versions; connected when it lands.
    publish: createPublishService({
      ...deps,
      frozenVersions: () =>
        Promise.reject(new CandorError('unavailable', 'report versions are not available yet')),
    }),
  };
}
export type Services = ReturnType<typeof createServices>;
