import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { CandorError } from '../errors.ts';
import * as foundation from './migrations/2026-11-29-01-foundation.ts';
import * as workflow from './migrations/2026-11-29-02-workflow.ts';
import * as notices from './migrations/2026-11-29-04-notices.ts';
import * as reports from './migrations/2026-11-29-03-reports.ts';
import * as web from './migrations/2026-11-29-05-web.ts';
import * as due from './migrations/2026-11-29-06-due.ts';
import * as contactsSearch from './migrations/2026-11-29-07-contacts-search.ts';
import * as receivedCover from './migrations/2026-11-29-08-received-cover.ts';
import * as signInAttempts from './migrations/2026-12-04-13-01-sign-in-attempts.ts';
import * as documents from './migrations/2026-12-04-14-01-documents.ts';
import * as policyGate from './migrations/2026-12-04-20-11-policy-gate.ts';
import * as portal from './migrations/2026-12-04-20-15-portal.ts';
import * as portalNotifyClaim from './migrations/2026-12-05-01-15-portal-notify-claim.ts';
import * as noticePossiblySent from './migrations/2026-12-05-42-13-notice-possibly-sent.ts';
import * as noticeActBy from './migrations/2026-12-05-60-17-notice-act-by.ts';
import * as auditPending from './migrations/2026-12-05-70-18-audit-pending.ts';
import * as oidc from './migrations/2026-12-05-71-17-oidc.ts';
import * as restricted from './migrations/2026-12-05-80-17-restricted.ts';
import * as reminders from './migrations/2026-12-05-81-17-reminders.ts';
import * as comments from './migrations/2026-12-05-90-17-comments.ts';
import * as foreignNs from './migrations/2026-12-06-20-19-foreign-ns.ts';
import * as history from './migrations/2026-12-06-30-19-history.ts';
import * as importStaging from './migrations/2026-12-06-40-13-import-staging.ts';
import * as versionFiles from './migrations/2026-12-06-50-19-version-files.ts';
import * as contentDemands from './migrations/2026-12-06-60-19-content-demands.ts';
import * as processFields from './migrations/2026-12-06-70-16-process-fields.ts';

/** Every migration, in order. Names are date-prefixed; add new ones at the end. */
const migrations: Record<string, Migration> = {
  '2026-11-29-01-foundation': foundation,
  '2026-11-29-02-workflow': workflow,
  '2026-11-29-04-notices': notices,
  '2026-11-29-03-reports': reports,
  '2026-11-29-05-web': web,
  '2026-11-29-06-due': due,
  '2026-11-29-07-contacts-search': contactsSearch,
  '2026-11-29-08-received-cover': receivedCover,
  '2026-12-04-13-01-sign-in-attempts': signInAttempts,
  '2026-12-04-14-01-documents': documents,
  '2026-12-04-20-11-policy-gate': policyGate,
  '2026-12-04-20-15-portal': portal,
  '2026-12-05-01-15-portal-notify-claim': portalNotifyClaim,
  '2026-12-05-42-13-notice-possibly-sent': noticePossiblySent,
  '2026-12-05-60-17-notice-act-by': noticeActBy,
  '2026-12-05-70-18-audit-pending': auditPending,
  '2026-12-05-71-17-oidc': oidc,
  '2026-12-05-80-17-restricted': restricted,
  '2026-12-05-81-17-reminders': reminders,
  '2026-12-05-90-17-comments': comments,
  '2026-12-06-20-19-foreign-ns': foreignNs,
  '2026-12-06-30-19-history': history,
  '2026-12-06-40-13-import-staging': importStaging,
  '2026-12-06-50-19-version-files': versionFiles,
  '2026-12-06-60-19-content-demands': contentDemands,
  '2026-12-06-70-16-process-fields': processFields,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; returns the names of the migrations it ran. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations see the database untyped
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new CandorError(
      'unavailable',
      `migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
