import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { folderStore } from '../documents/folder-store.ts';
import { s3Store } from '../documents/s3-store.ts';
import type { BlobStore } from '../documents/store.ts';
import { keyringSource, type KeyringSource } from '../keys/source.ts';
import { createAuditSequencer } from './audit-sequencer.ts';
import type { Mailer } from './mailer.ts';
import type { Clock } from './requests.ts';

/**
 * How every service is wired, once, for both ways of building them: `createServices` (src/services/index.ts,
 * the server and the tests) hands over every factory, imported up front; a CLI command hands over only the
 * factories of the services it uses (`loadFactories`), so `candor request show` does not import nodemailer,
 * file-type, the report renderers and the rest (docs/benchmarks.md, CLI start-up). Either way each service is
 * built on first use, once.
 */

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

/** The module holding each service's factory, imported only when asked for. */
const LOADERS = {
  vault: async () => (await import('./documents/vault.ts')).createVault,
  documents: async () => (await import('./documents/documents.ts')).createDocumentService,
  productions: async () => (await import('./documents/productions.ts')).createProductionService,
  retention: async () => (await import('./documents/retention.ts')).createRetentionService,
  requests: async () => (await import('./requests.ts')).createRequestService,
  imports: async () => (await import('./importer.ts')).createImportService,
  users: async () => (await import('./users.ts')).createUserService,
  audit: async () => (await import('./audit.ts')).createAuditService,
  workflow: async () => (await import('./workflow/index.ts')).createWorkflowService,
  bulk: async () => (await import('./bulk.ts')).createBulkService,
  due: async () => (await import('./due.ts')).createDueService,
  reminders: async () => (await import('./reminders.ts')).createReminderService,
  comments: async () => (await import('./comments.ts')).createCommentService,
  notices: async () => (await import('./notices/index.ts')).createNoticeService,
  noticeWorker: async () => (await import('./notice-worker.ts')).createNoticeWorker,
  reports: async () => (await import('./reports.ts')).createReportService,
  publish: async () => (await import('./publish.ts')).createPublishService,
  auth: async () => (await import('./auth.ts')).createAuthService,
  keys: async () => (await import('./keys.ts')).createKeyService,
  dashboard: async () => (await import('./dashboard.ts')).createDashboardService,
  portal: async () => (await import('./portal/index.ts')).createPortalService,
};

export type ServiceName = keyof typeof LOADERS;
export type Factories = { [K in ServiceName]: Awaited<ReturnType<(typeof LOADERS)[K]>> };
export type Services = { [K in ServiceName]: ReturnType<Factories[K]> };

/** The services another one is built with (handed to its factory), so its factory must be loaded too. */
const BUILT_WITH: Partial<Record<ServiceName, readonly ServiceName[]>> = {
  documents: ['vault'],
  productions: ['vault'],
  retention: ['vault'],
  portal: ['vault'],
  bulk: ['workflow'],
  reminders: ['due'],
};

/** Loads the factories of `names` and of the services they are built with. */
export async function loadFactories(names: readonly ServiceName[]): Promise<Partial<Factories>> {
  const all = new Set<ServiceName>();
  const add = (n: ServiceName): void => {
    if (all.has(n)) return;
    all.add(n);
    for (const m of BUILT_WITH[n] ?? []) add(m);
  };
  names.forEach(add);
  const f: Partial<Record<ServiceName, unknown>> = {};
  await Promise.all([...all].map(async (n) => (f[n] = await LOADERS[n]())));
  return f as Partial<Factories>;
}

/** The configured blob store, made on first use (so commands that never touch documents never create it). */
export function storeFor(config: Config): () => BlobStore {
  let s: BlobStore | null = null;
  return () =>
    (s ??= config.storage.kind === 'folder' ? folderStore(config.storage.root) : s3Store(config.storage));
}

/**
 * The services, each built on first use from `factories`. A service whose factory was not handed over
 * throws when first used; services used only inside an async call (a request's attached documents, the
 * frozen versions a publication reads) load their factory then, if it is missing.
 */
export function wireServices(deps0: Deps, factories: Partial<Factories>): Services {
  const keys =
    deps0.keys ??
    keyringSource({
      secretKey: deps0.config.secretKey,
      previousSecretKeys: deps0.config.previousSecretKeys,
      dataDir: deps0.config.dataDir,
    });
  const deps = { ...deps0, keys, sequencer: createAuditSequencer(deps0.db) };
  const fixed = deps.store;
  const store = fixed ? () => fixed : storeFor(deps.config);
  const f = <K extends ServiceName>(k: K): Factories[K] => {
    const made = factories[k];
    if (!made) throw new Error(`the ${k} service was not loaded for this command (src/services/wiring.ts)`);
    return made;
  };
  const s = {} as Services;
  /** A service used inside an async call: its factory is loaded then if this command did not load it. */
  const later = async <K extends ServiceName>(k: K): Promise<Services[K]> => {
    if (!factories[k]) Object.assign(factories, await loadFactories([k]));
    return s[k];
  };
  const build: { [K in ServiceName]: () => Services[K] } = {
    vault: () => f('vault')({ config: deps.config, keys, store }),
    documents: () => f('documents')({ ...deps, vault: s.vault }),
    productions: () => f('productions')({ ...deps, vault: s.vault }),
    retention: () => f('retention')({ ...deps, vault: s.vault, store }),
    requests: () =>
      f('requests')({
        ...deps,
        attach: async (...a) => (await later('documents')).attachInTransaction(...a),
      }),
    imports: () => f('imports')({ ...deps, policy: deps.config.policy }),
    users: () => f('users')(deps),
    audit: () => f('audit')(deps),
    workflow: () => f('workflow')(deps),
    bulk: () => f('bulk')({ workflow: s.workflow }),
    due: () => f('due')(deps),
    reminders: () => f('reminders')({ ...deps, due: s.due }),
    comments: () => f('comments')(deps),
    notices: () => f('notices')(deps),
    noticeWorker: () => f('noticeWorker')(deps),
    reports: () => f('reports')(deps),
    publish: () =>
      f('publish')({
        ...deps,
        frozenVersions: async (actor) =>
          (await later('reports')).frozenVersions(actor, undefined, { files: true }),
      }),
    auth: () => f('auth')(deps),
    keys: () => f('keys')(deps),
    dashboard: () => f('dashboard')(deps),
    portal: () => f('portal')({ ...deps, vault: s.vault }),
  };
  for (const k of Object.keys(build) as ServiceName[]) {
    let made: unknown;
    Object.defineProperty(s, k, { enumerable: true, get: () => (made ??= build[k]()) });
  }
  return s;
}
