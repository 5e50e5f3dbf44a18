import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createAuditService } from './audit.ts';
import { createBulkService } from './bulk.ts';
import { createCommentService } from './comments.ts';
import { createAuditSequencer } from './audit-sequencer.ts';
import { createDueService } from './due.ts';
import { createAuthService } from './auth.ts';
import { createDashboardService } from './dashboard.ts';
import { createImportService } from './importer.ts';
import { createKeyService } from './keys.ts';
import { keyringSource, type KeyringSource } from '../keys/source.ts';
import type { Mailer } from './mailer.ts';
import { createNoticeWorker } from './notice-worker.ts';
import { createNoticeService } from './notices/index.ts';
import { createPublishService } from './publish.ts';
import { createReminderService } from './reminders.ts';
import { createReportService } from './reports.ts';
import { createRequestService, type Clock } from './requests.ts';
import { createUserService } from './users.ts';
import { createWorkflowService } from './workflow/index.ts';
import { folderStore } from '../documents/folder-store.ts';
import { s3Store } from '../documents/s3-store.ts';
import type { BlobStore } from '../documents/store.ts';
import { createDocumentService } from './documents/documents.ts';
import { createProductionService } from './documents/productions.ts';
import { createRetentionService } from './documents/retention.ts';
import { createVault } from './documents/vault.ts';
import { createPortalService } from './portal/index.ts';

export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Where notices go; by default from config (SMTP, or .eml files in the data directory). */
  mailer?: Mailer;
  /** The master keys for secrets at rest; by default from config (CANDOR_SECRET_KEY or the key file). */
  keys?: KeyringSource;
  /** Where document blobs go; by default from config (a folder of the data directory, or S3). */
  store?: BlobStore;
}

/** The configured blob store, made on first use (so commands that never touch documents never create it). */
export function storeFor(config: Config): () => BlobStore {
  let s: BlobStore | null = null;
  return () =>
    (s ??= config.storage.kind === 'folder' ? folderStore(config.storage.root) : s3Store(config.storage));
}

/** Wires every service with plain functions: no container. */
export function createServices(deps0: Deps) {
  const keys =
    deps0.keys ??
    keyringSource({
      secretKey: deps0.config.secretKey,
      previousSecretKeys: deps0.config.previousSecretKeys,
      dataDir: deps0.config.dataDir,
    });
  const deps = { ...deps0, keys, sequencer: createAuditSequencer(deps0.db) };
  const reports = createReportService(deps);
  const fixed = deps.store;
  const store = fixed ? () => fixed : storeFor(deps.config);
  const vault = createVault({ config: deps.config, keys, store });
  const documents = createDocumentService({ ...deps, vault });
  const workflow = createWorkflowService(deps);
  const due = createDueService(deps);
  return {
    vault,
    documents,
    productions: createProductionService({ ...deps, vault }),
    retention: createRetentionService({ ...deps, vault, store }),
    requests: createRequestService({ ...deps, attach: documents.attachInTransaction }),
    imports: createImportService({ ...deps, policy: deps.config.policy }),
    users: createUserService(deps),
    audit: createAuditService(deps),
    workflow,
    bulk: createBulkService({ workflow }),
    due,
    reminders: createReminderService({ ...deps, due }),
    comments: createCommentService(deps),
    notices: createNoticeService(deps),
    noticeWorker: createNoticeWorker(deps),
    reports,
    publish: createPublishService({
      ...deps,
      frozenVersions: (actor) => reports.frozenVersions(actor, undefined, { files: true }),
    }),
    auth: createAuthService(deps),
    keys: createKeyService(deps),
    dashboard: createDashboardService(deps),
    portal: createPortalService({ ...deps, vault }),
  };
}
export type Services = ReturnType<typeof createServices>;
