import { createAuditService } from './audit.ts';
import { createAuthService } from './auth.ts';
import { createBulkService } from './bulk.ts';
import { createCommentService } from './comments.ts';
import { createDashboardService } from './dashboard.ts';
import { createDocumentService } from './documents/documents.ts';
import { createProductionService } from './documents/productions.ts';
import { createRetentionService } from './documents/retention.ts';
import { createVault } from './documents/vault.ts';
import { createDueService } from './due.ts';
import { createImportService } from './importer.ts';
import { createKeyService } from './keys.ts';
import { createNoticeWorker } from './notice-worker.ts';
import { createNoticeService } from './notices/index.ts';
import { createPortalService } from './portal/index.ts';
import { createPublishService } from './publish.ts';
import { createReminderService } from './reminders.ts';
import { createReportService } from './reports.ts';
import { createRequestService } from './requests.ts';
import { createUserService } from './users.ts';
import { createWorkflowService } from './workflow/index.ts';
import { wireServices, type Deps, type Factories, type Services } from './wiring.ts';

export { storeFor, type Deps, type Services } from './wiring.ts';

/** Every factory, imported up front: the server and the tests use every service. */
export const ALL_FACTORIES: Factories = {
  vault: createVault,
  documents: createDocumentService,
  productions: createProductionService,
  retention: createRetentionService,
  requests: createRequestService,
  imports: createImportService,
  users: createUserService,
  audit: createAuditService,
  workflow: createWorkflowService,
  bulk: createBulkService,
  due: createDueService,
  reminders: createReminderService,
  comments: createCommentService,
  notices: createNoticeService,
  noticeWorker: createNoticeWorker,
  reports: createReportService,
  publish: createPublishService,
  auth: createAuthService,
  keys: createKeyService,
  dashboard: createDashboardService,
  portal: createPortalService,
};

/** Wires every service with plain functions, no container; each is built on first use (src/services/wiring.ts). */
export function createServices(deps: Deps): Services {
  return wireServices(deps, { ...ALL_FACTORIES });
}
