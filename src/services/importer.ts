import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connect.ts';
import { rowToRequest } from '../domain/import-row.ts';
import type { PolicyConfig } from '../domain/policy-config.ts';
import { intakeFacts, policyGate, whoLifts } from '../domain/policy-gate.ts';
import { fromDatabaseError } from '../db/errors.ts';
import { CandorError, type FieldIssue } from '../errors.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import {
  abandonedImports,
  deleteImportBatch,
  deleteStagedRows,
  openImportBatch,
  publishImport,
  stageRows,
  type StagedRow,
} from '../repositories/import-staging-repository.ts';
import { authorize, can, type Actor } from './authorize.ts';
import { mayChangeRestriction, restrictedFlag } from '../domain/restricted.ts';
import { sightFor } from './sight.ts';
import { prepareRequest, type Clock } from './requests.ts';
import { detectFormat, OVERRIDE_COLUMN, records, type ImportFormat } from './import-file.ts';

export { detectFormat, OVERRIDE_COLUMN, type ImportFormat } from './import-file.ts';

export interface ImportOptions {
  format?: ImportFormat;
  /** How many bad rows to describe before stopping the description (all are counted). */
  maxErrors?: number;
  /** Rows staged per short transaction. */
  batchSize?: number;
  onProgress?: (p: { phase: 'write'; bytes: number; totalBytes: number; rows: number }) => void;
  /**
   * Called after each staging transaction has committed, before the next one starts: nothing of the import
   * is visible yet, and no transaction of it is open (tests pause an import here).
   */
  onStaged?: (p: { importId: number; rows: number }) => void | Promise<void>;
}

export interface ImportResult {
  file: string;
  sha256: string;
  rows: number;
  created: number;
  /** Rows whose external_ref was already recorded: left unchanged, so re-importing a file is harmless. */
  unchanged: number;
  /** Rows of history accepted past the policy gate with their `override_reason` (docs/import-format.md). */
  overrides: number;
}

/** An import whose staging has not moved for this long is abandoned (its process died): the next one deletes it. */
export const ABANDONED_AFTER_MS = 15 * 60_000;
/** Staged rows deleted per statement when an import is cleaned up: each a short transaction. */
const DELETE_CHUNK = 5000;

const gone = (file: string) =>
  new CandorError(
    'conflict',
    `${file}: the import was discarded as abandoned while it ran (nothing of it was published); run it again`,
  );

export function createImportService(deps: { db: Db; clock: Clock; policy: PolicyConfig }) {
  const { db, clock, policy } = deps;

  /** Deletes an import's staged rows a few thousand per statement, so no reader waits long, then the import. */
  const discard = async (importId: number) => {
    while ((await deleteStagedRows(db, importId, DELETE_CHUNK)) > 0);
    await deleteImportBatch(db, importId);
  };

  /**
   * Deletes what imports left behind: the staged rows of published imports, and imports whose process died
   * (not touched for ABANDONED_AFTER_MS; with `all`, every unpublished one: for a start-up that holds the
   * embedded database alone). Returns how many imports it deleted.
   */
  const discardAbandoned = async (o: { all?: boolean } = {}): Promise<number> => {
    const before = o.all ? new Date(8.64e15) : new Date(clock().getTime() - ABANDONED_AFTER_MS);
    const ids = await abandonedImports(db, before);
    for (const id of ids) await discard(id);
    return ids.length;
  };

  return {
    discardAbandoned,

    /**
     * Imports a CSV or JSON Lines file, all or nothing, in one streaming pass. Valid rows are staged a batch
     * per short transaction into a table no reader reads; one last short transaction publishes them all with
     * one INSERT ... SELECT and the audit event, so readers never wait for the file and never see part of it.
     * Every bad row is reported (up to a limit) and then nothing is kept. Memory does not grow with the file:
     * the staged rows are also the ledger of refs seen so far (to name both lines of a repeated one).
     */
    async importFile(actor: Actor, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
      authorize(actor, 'request.import');
      const format = opts.format ?? detectFormat(file);
      let totalBytes: number;
      try {
        totalBytes = statSync(file).size;
      } catch {
        throw new CandorError('not_found', `${file}: no such file`);
      }
      const name = path.basename(file);
      const maxErrors = opts.maxErrors ?? 50;
      const batchSize = opts.batchSize ?? 2000;
      const progress = opts.onProgress ?? (() => {});
      const now = clock();
      const mayRestrict = mayChangeRestriction(await sightFor(db, actor));
      await discardAbandoned();
      const importId = await openImportBatch(db, name, actor.label, now);

      // One streaming pass: every row is validated; rows are staged batch by batch, the database staging one
      // batch while the next is parsed. After the first bad row only refs are staged (to find repeated ones):
      // every bad row is reported, and the import is discarded.
      const hash = createHash('sha256');
      const issues: FieldIssue[] = [];
      const note = (i: FieldIssue) => {
        if (issues.length < maxErrors) issues.push(i);
      };
      let badRows = 0;
      let rows = 0;
      let staged = 0;
      let bytesSeen = 0;
      let batch: StagedRow[] = [];
      let writing: Promise<void> = Promise.resolve();
      const flush = async () => {
        const rowsNow = batch;
        batch = [];
        await writing;
        writing = (async () => {
          const repeated = await db
            .transaction()
            .execute((trx) => stageRows(trx, importId, rowsNow, clock()));
          if (repeated === false) throw gone(name);
          for (const d of repeated) {
            badRows++;
            note({
              line: d.line,
              field: 'external_ref',
              value: d.ref,
              message: `expected a unique value; line ${d.firstLine} has it too`,
            });
          }
          staged += rowsNow.length;
          await opts.onStaged?.({ importId, rows: staged });
        })();
        // Keep the rejection observed until it is awaited, so a database error is reported once, in order.
        writing.catch(() => {});
      };
      try {
        for await (const { line, record } of records(file, format, hash, (b) => (bytesSeen = b))) {
          rows++;
          if (rows % 1000 === 0) progress({ phase: 'write', bytes: bytesSeen, totalBytes, rows });
          const { [OVERRIDE_COLUMN]: overrideCell, ...fields } = record;
          const res = rowToRequest(fields, line);
          if (!res.ok) {
            badRows++;
            for (const e of res.errors) {
              note({ line: e.line, field: e.column, value: e.value, message: `expected ${e.expected}` });
            }
            continue;
          }
          // Restricted matters are recorded only by those who may see them (docs/workflow.md).
          if (!mayRestrict && restrictedFlag(res.value.process_type, res.value.restricted)) {
            badRows++;
            note({
              line,
              field: res.value.restricted ? 'restricted' : 'process_type',
              message: 'a restricted matter needs an importer with the restricted-matters grant',
            });
            continue;
          }
          // The policy gate, as at every door. History from another system may carry a policy tier or a
          // workflow rule with a written reason in its own column; a statutory bar, never.
          const refusals = policyGate(intakeFacts(res.value, now), policy);
          let override: StagedRow['override'] = null;
          if (refusals.length > 0) {
            const reason = typeof overrideCell === 'string' ? overrideCell.trim() : '';
            const bars = refusals.filter((r) => r.kind === 'bar');
            const allowed = bars.length === 0 && reason.length >= 10 && can(actor, 'request.approve');
            if (!allowed) {
              badRows++;
              for (const r of bars.length > 0 ? bars : refusals) {
                note({
                  line,
                  field: r.field.split('.')[0]!,
                  message: `${r.rule}: ${r.message} (${
                    r.kind === 'bar'
                      ? whoLifts(r.kind)
                      : reason.length < 10
                        ? `history only with an ${OVERRIDE_COLUMN} of 10 characters or more`
                        : `an ${OVERRIDE_COLUMN} needs an approver or admin to import it`
                  })`,
                });
              }
              continue;
            }
            override = {
              rules: refusals.map((r) => r.rule),
              findings: refusals.map((r) => r.message),
              reason,
            };
          } else if (typeof overrideCell === 'string' && overrideCell.trim() !== '') {
            badRows++;
            note({
              line,
              field: OVERRIDE_COLUMN,
              message: 'nothing to override: the policy gate allows this row; leave the cell empty',
            });
            continue;
          }
          const ref = { external_ref: res.value.external_ref, line };
          batch.push(
            badRows === 0 ? { ...ref, ...prepareRequest(res.value, now, { history: true }), override } : ref,
          );
          if (batch.length >= batchSize) await flush();
        }
        await flush();
        await writing;
        if (badRows > 0) {
          issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
          throw new CandorError(
            'invalid',
            `${name}: ${badRows} of ${rows} rows are invalid; nothing was imported`,
            issues,
          );
        }
        if (rows === 0) throw new CandorError('invalid', `${name}: the file has no rows`);
        const sha256 = hash.digest('hex');
        // The one moment the import becomes visible: all of it, with its audit event, or none of it.
        const published = await db.transaction().execute(async (trx) => {
          const p = await publishImport(trx, importId, { source: name, actor: actor.label, now });
          if (p === false) throw gone(name);
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'request.import',
            entity: 'import',
            entityId: sha256.slice(0, 16),
            after: {
              file: name,
              sha256,
              format,
              rows,
              created: p.created,
              unchanged: rows - p.created,
              overrides: p.overrides,
            },
          });
          return p;
        });
        // What is left is staging only; should this fail, the next import deletes it.
        await discard(importId).catch(() => {});
        const { created } = published;
        return {
          file,
          sha256,
          rows,
          created,
          unchanged: rows - created,
          overrides: published.overrides.length,
        };
      } catch (e) {
        await writing.catch(() => {});
        // Best effort: an import that cannot clean up now (the database went away) is deleted by the next one.
        await discard(importId).catch(() => {});
        throw fromDatabaseError(e, `${name}; nothing was imported`);
      }
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
