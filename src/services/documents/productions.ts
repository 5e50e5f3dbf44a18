import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import type { DocumentRow } from '../../db/schema.ts';
import {
  certificationProblems,
  DEFAULT_CERTIFICATION,
  entryName,
  MANIFEST_FORMAT,
  manifestBytes,
  renderCertification,
  type Manifest,
} from '../../domain/production-manifest.ts';
import { DATA_SOUGHT, type DataSought } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { documentsOf, lockRequestDocuments } from '../../repositories/documents-repository.ts';
import {
  currentCertificationTemplate,
  findProduction,
  insertCertificationTemplate,
  insertProduction,
  nextProductionNumber,
  producedDocumentIds,
  productionsOf,
  type ProductionView,
} from '../../repositories/productions-repository.ts';
import { seesRequest } from '../../repositories/sight.ts';
import { assertSeesRequest, sightFor } from '../sight.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import { findWorkflowRecords } from '../../repositories/workflow-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { Clock } from '../requests.ts';
import { assertMayProduce } from './production-gate.ts';
import { productionZip } from './production-zip.ts';
import type { Vault } from './vault.ts';

/** What a production records; every field optional (defaults from the record). */
export interface ProductionInput {
  /** The produced files; default: every `production` document of the request not produced before. */
  document_ids?: number[];
  /** Default: what the recorded response produced. */
  data_categories?: DataSought[];
  /** Default: the accounts the response recorded as produced. */
  accounts?: string[];
  /** Fill the business-records certification from the template. */
  certify?: boolean;
}

export interface PresentedProduction {
  id: number;
  request_id: number;
  number: number;
  produced_at: string;
  produced_by: string;
  accounts: string[];
  data_categories: DataSought[];
  manifest_sha256: string;
  certification_sha256: string | null;
  files: Manifest['files'];
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export function presentProduction(p: ProductionView): PresentedProduction {
  const m = JSON.parse(p.manifest) as Manifest;
  return {
    id: p.id,
    request_id: p.request_id,
    number: p.number,
    produced_at: p.produced_at.toISOString(),
    produced_by: p.produced_by,
    accounts: p.accounts,
    data_categories: p.data_categories,
    manifest_sha256: p.manifest_sha256,
    certification_sha256: p.certification_sha256,
    files: m.files,
  };
}

export function createProductionService(deps: { db: Db; clock: Clock; config: Config; vault: Vault }) {
  const { db, clock, config, vault } = deps;

  /** Whether the actor may see the request (a production of a hidden restricted matter is not found). */
  async function sees(actor: Actor, requestId: number): Promise<boolean> {
    const sight = await sightFor(db, actor);
    return sight === 'all' || seesRequest(db, sight, requestId);
  }

  async function template(): Promise<string> {
    return (await currentCertificationTemplate(db))?.body ?? DEFAULT_CERTIFICATION;
  }

  const service = {
    /**
     * Records a production: its files, manifest (hash in the audit chain) and, if asked, the filled
     * certification. Refused where the policy refuses the disclosure (`assertMayProduce`).
     */
    async record(actor: Actor, requestId: number, input: ProductionInput): Promise<PresentedProduction> {
      authorize(actor, 'production.record');
      await assertSeesRequest(db, actor, requestId);
      const cert = input.certify ? await template() : null;
      const now = clock();
      const id = await db.transaction().execute(async (trx) => {
        await lockRequestDocuments(trx, requestId);
        const b = await findRequest(trx, requestId);
        if (!b) throw new CandorError('not_found', `request ${requestId} does not exist`);
        const w = await findWorkflowRecords(trx, requestId);
        const docs = await documentsOf(trx, requestId);
        const done = await producedDocumentIds(trx, requestId);
        const ids =
          input.document_ids ??
          docs.filter((d) => d.kind === 'production' && !d.removed_at && !done.has(d.id)).map((d) => d.id);
        if (ids.length === 0)
          throw new CandorError(
            'invalid',
            'nothing to produce: upload the produced files to the request first (kind: production)',
            [{ field: 'document_ids', message: 'no produced files' }],
          );
        const byId = new Map(docs.map((d) => [d.id, d]));
        const chosen: DocumentRow[] = [];
        for (const [i, docId] of [...new Set(ids)].entries()) {
          const d = byId.get(docId);
          const problem = !d
            ? 'is not a document of this request'
            : d.removed_at
              ? 'was removed'
              : d.kind !== 'production'
                ? `is a ${d.kind} document, not a produced file`
                : null;
          if (problem)
            throw new CandorError('invalid', `document ${docId} ${problem}`, [
              { field: `document_ids.${i}`, message: problem },
            ]);
          chosen.push(d!);
        }
        const response = w.responses.filter((r) => r.superseded_at === null).at(-1);
        const categories = input.data_categories ?? response?.produced ?? [];
        const bad = categories.filter((c) => !(DATA_SOUGHT as readonly string[]).includes(c));
        if (bad.length)
          throw new CandorError('invalid', `unknown data categories: ${bad.join(', ')}`, [
            { field: 'data_categories', message: `expected ${DATA_SOUGHT.join(', ')}` },
          ]);
        const producedAccounts = b.targets
          .filter((t) => t.result === 'produced')
          .map((t) => t.account_ref ?? t.identifier);
        const accounts = input.accounts ?? [...new Set(producedAccounts)];
        const named = new Set(b.targets.flatMap((t) => [t.account_ref, t.identifier]));
        const unknown = accounts.filter((a) => !named.has(a));
        if (unknown.length)
          throw new CandorError('invalid', `the request does not name ${unknown.join(', ')}`, [
            { field: 'accounts', message: 'not named on the request' },
          ]);
        assertMayProduce(b, w, categories, config.policy, now);

        const number = await nextProductionNumber(trx, requestId);
        const manifest: Manifest = {
          format: MANIFEST_FORMAT,
          provider: config.providerName,
          request: {
            id: requestId,
            external_ref: b.request.external_ref,
            agency: b.agency.name,
            process_type: b.request.process_type,
            received_at: b.request.received_at.toISOString(),
          },
          production: { number, produced_at: now.toISOString(), produced_by: actor.label },
          accounts,
          data_categories: [...categories],
          files: chosen.map((d, i) => ({
            name: d.name,
            path: entryName(i, d.name),
            sha256: d.sha256,
            size: d.size_bytes,
            media_type: d.media_type,
          })),
          certification: cert !== null,
        };
        const bytes = manifestBytes(manifest);
        const manifestSha = sha256(bytes);
        const certification =
          cert === null
            ? null
            : renderCertification(cert, {
                provider: config.providerName,
                custodian: actor.label,
                request_ref: b.request.external_ref,
                agency: `${b.agency.name} (${b.agency.country})`,
                process_type: b.request.process_type.replaceAll('_', ' '),
                received_date: b.request.received_at.toISOString().slice(0, 10),
                produced_date: now.toISOString().slice(0, 10),
                accounts: accounts.join(', ') || 'none',
                data_categories: categories.join(', ').replaceAll('_', ' '),
                file_list: manifest.files
                  .map((f) => `  - ${f.name} (${f.size} bytes) SHA-256 ${f.sha256}`)
                  .join('\n'),
                manifest_sha256: manifestSha,
              });
        const certSha = certification === null ? null : sha256(certification);
        const pid = await insertProduction(trx, {
          requestId,
          number,
          producedAt: now,
          producedBy: actor.label,
          accounts,
          dataCategories: [...categories],
          manifest: bytes.toString('utf8'),
          manifestSha256: manifestSha,
          certification,
          certificationSha256: certSha,
          documentIds: chosen.map((d) => d.id),
        });
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'production.record',
          entity: 'request',
          entityId: requestId,
          after: {
            production_id: pid,
            number,
            manifest_sha256: manifestSha,
            certification_sha256: certSha,
            accounts,
            data_categories: categories,
            files: manifest.files.map((f, i) => ({
              document_id: chosen[i]!.id,
              name: f.name,
              sha256: f.sha256,
              size: f.size,
            })),
          },
        });
        return pid;
      });
      return presentProduction((await findProduction(db, id))!);
    },

    async list(actor: Actor, requestId: number): Promise<PresentedProduction[]> {
      authorize(actor, 'production.read');
      await assertSeesRequest(db, actor, requestId);
      return (await productionsOf(db, requestId)).map(presentProduction);
    },

    async get(actor: Actor, id: number): Promise<PresentedProduction> {
      authorize(actor, 'production.read');
      const p = await findProduction(db, id);
      if (!p || !(await sees(actor, p.request_id)))
        throw new CandorError('not_found', `production ${id} does not exist`);
      return presentProduction(p);
    },

    /** The production as a zip stream (an audit event naming the manifest's hash). */
    async zip(
      actor: Actor,
      id: number,
    ): Promise<{ fileName: string; stream: Readable; production: PresentedProduction }> {
      authorize(actor, 'production.read');
      const p = await findProduction(db, id);
      if (!p || !(await sees(actor, p.request_id)))
        throw new CandorError('not_found', `production ${id} does not exist`);
      const docs = new Map((await documentsOf(db, p.request_id)).map((d) => [d.id, d]));
      const stream = productionZip(vault, p, docs);
      const m = JSON.parse(p.manifest) as Manifest;
      await db.transaction().execute((trx) =>
        appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'production.download',
          entity: 'request',
          entityId: p.request_id,
          after: { production_id: p.id, number: p.number, manifest_sha256: p.manifest_sha256 },
        }),
      );
      const ref = m.request.external_ref.replace(/[^A-Za-z0-9._-]+/g, '_');
      return { fileName: `${ref}-production-${p.number}.zip`, stream, production: presentProduction(p) };
    },

    async certificationTemplate(actor: Actor): Promise<{ body: string; version: number }> {
      authorize(actor, 'production.record');
      const t = await currentCertificationTemplate(db);
      return { body: t?.body ?? DEFAULT_CERTIFICATION, version: t?.version ?? 0 };
    },

    /** Saves a new version of the certification template (admins); unknown placeholders are refused. */
    async setCertificationTemplate(actor: Actor, body: string): Promise<number> {
      authorize(actor, 'certification.template');
      const problems = certificationProblems(body);
      if (problems.length)
        throw new CandorError(
          'invalid',
          'the certification template is not valid',
          problems.map((message) => ({ field: 'body', message })),
        );
      const now = clock();
      return db.transaction().execute(async (trx) => {
        const version = await insertCertificationTemplate(trx, { body, by: actor.label, at: now });
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'certification_template.set',
          entity: 'certification_template',
          entityId: version,
          after: { version, sha256: sha256(body) },
        });
        return version;
      });
    },
  };
  return service;
}
export type ProductionService = ReturnType<typeof createProductionService>;
