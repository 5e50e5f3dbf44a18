import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createAuditService } from './audit.ts';
import { createDueService } from './due.ts';
import { createAuthService } from './auth.ts';
import { createDashboardService } from './dashboard.ts';
import { createImportService } from './importer.ts';
import type { Mailer } from './mailer.ts';
import { createNoticeWorker } from './notice-worker.ts';
import { createNoticeService } from './notices.ts';
import { createPublishService } from './publish.ts';
import { createReportService } from './reports.ts';
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
  const reports = createReportService(deps);
  return {
    requests: createRequestService(deps),
    imports: createImportService(deps),
    users: createUserService(deps),
    audit: createAuditService(deps),
    workflow: createWorkflowService(deps),
    due: createDueService(deps),
    notices: createNoticeService(deps),
    noticeWorker: createNoticeWorker(deps),
    reports,
    publish: createPublishService({ ...deps, frozenVersions: (actor) => reports.frozenVersions(actor) }),
    auth: createAuthService(deps),
    dashboard: createDashboardService(deps),
  };
}
export type Services = ReturnType<typeof createServices>;
