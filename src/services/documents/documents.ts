import type { Readable } from 'node:stream';
import type { Db } from '../../db/connect.ts';
import type { DocumentRow } from '../../db/schema.ts';
import { suggestFromText, type Suggestion } from '../../domain/document-suggestions.ts';
import { cleanFileName } from '../../domain/production-manifest.ts';
import { DOCUMENT_KINDS, type DocumentKind } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  attachDocuments,
  documentsOf,
  findDocument,
  insertDocument,
  lockDocument,
  removeDocument,
  setLegalHold,
} from '../../repositories/documents-repository.ts';
import { findRequest } from '../../repositories/requests-repository.ts';
import { authorize, can, type Actor } from '../authorize.ts';
import { assertSeesRequest, sightFor } from '../sight.ts';
import { seesRequest } from '../../repositories/sight.ts';
import type { Clock } from '../requests.ts';
import type { Ingested, Vault } from './vault.ts';

/**
 * The legal team's documents: upload, list, read, download, delete, legal hold. Every upload, view,
 * download and deletion is an audit event naming the file's SHA-256. Documents are visible to the roles
 * that may read a request's legal data (`document.read`); a viewer learns that documents exist (kind, size,
 * date), never their names, text or bytes.
 */

/** What every door shows of a document; `name`, `sha256` and text only to those who may read it. */
export interface PresentedDocument {
  id: number;
  request_id: number | null;
  kind: DocumentKind;
  size: number;
  uploaded_at: string;
  legal_hold: boolean;
  removed: { at: string; by: string; reason: string } | null;
  /** Absent for a viewer. */
  name?: string;
  media_type?: string;
  sha256?: string;
  uploaded_by?: string;
  text_status?: DocumentRow['text_status'];
  text_note?: string | null;
}

export function presentDocument(d: DocumentRow, full: boolean): PresentedDocument {
  const base: PresentedDocument = {
    id: d.id,
    request_id: d.request_id,
    kind: d.kind,
    size: d.size_bytes,
    uploaded_at: d.uploaded_at.toISOString(),
    legal_hold: d.legal_hold,
    removed: d.removed_at
      ? { at: d.removed_at.toISOString(), by: d.removed_by ?? '', reason: d.removal_reason ?? '' }
      : null,
  };
  if (!full) return base;
  return {
    ...base,
    name: d.name,
    media_type: d.media_type,
    sha256: d.sha256,
    uploaded_by: d.uploaded_by,
    text_status: d.text_status,
    text_note: d.text_note,
  };
}

/** The facts an audit event names about a file. */
export const fileFacts = (
  d: Pick<DocumentRow, 'id' | 'name' | 'kind' | 'sha256' | 'size_bytes' | 'media_type'>,
) => ({
  document_id: d.id,
  name: d.name,
  kind: d.kind,
  sha256: d.sha256,
  size: d.size_bytes,
  media_type: d.media_type,
});

export interface UploadInput {
  kind: DocumentKind;
  /** The file name the client gave: stored as data, never used as a path. */
  name: string | undefined;
  file: Readable;
}

export function parseKind(v: string | undefined): DocumentKind {
  if (v && (DOCUMENT_KINDS as readonly string[]).includes(v)) return v as DocumentKind;
  throw new CandorError('invalid', `kind: expected one of ${DOCUMENT_KINDS.join(', ')}`, [
    { field: 'kind', message: `expected one of ${DOCUMENT_KINDS.join(', ')}` },
  ]);
}

export function createDocumentService(deps: { db: Db; clock: Clock; vault: Vault }) {
  const { db, clock, vault } = deps;

  /** Where a document's events go: its request's history, or its own while it belongs to no request. */
  const entityOf = (d: Pick<DocumentRow, 'id' | 'request_id'>) =>
    d.request_id === null
      ? { entity: 'document', entityId: d.id }
      : { entity: 'request', entityId: d.request_id };

  async function store(actor: Actor, requestId: number | null, input: UploadInput) {
    const kind = parseKind(input.kind);
    // Known before a byte is stored, so a wrong id costs no upload.
    if (requestId !== null) await assertSeesRequest(db, actor, requestId);
    if (requestId !== null && !(await findRequest(db, requestId)))
      throw new CandorError('not_found', `request ${requestId} does not exist`);
    const ingested = await vault.ingest(input.file, { readText: true });
    const now = clock();
    try {
      return await db.transaction().execute(async (trx) => {
        if (requestId !== null && !(await findRequest(trx, requestId)))
          throw new CandorError('not_found', `request ${requestId} does not exist`);
        const row = rowOf(ingested, kind, cleanFileName(input.name), actor, requestId, now);
        const id = await insertDocument(trx, row);
        const doc = { ...row, id } as DocumentRow;
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'document.upload',
          ...entityOf(doc),
          after: { ...fileFacts(doc), text: ingested.text.status },
        });
        return { doc: (await findDocument(trx, id))!, text: ingested.text.plain };
      });
    } catch (e) {
      // No row, no blob: the upload left nothing behind.
      await vault.discard(ingested.blobKey);
      throw e;
    }
  }

  async function readable(actor: Actor, id: number): Promise<DocumentRow> {
    authorize(actor, 'document.read');
    const d = await findDocument(db, id);
    // A document that belongs to no request yet is its uploader's alone.
    if (!d || (d.request_id === null && d.uploaded_by_user_id !== actor.userId) || (await hidden(actor, d)))
      throw new CandorError('not_found', `document ${id} does not exist`);
    return d;
  }

  /** Whether the document belongs to a request the actor may not see (a restricted matter). */
  async function hidden(actor: Actor, d: Pick<DocumentRow, 'request_id'>, ex: Db = db): Promise<boolean> {
    if (d.request_id === null) return false;
    const sight = await sightFor(ex, actor);
    return sight !== 'all' && !(await seesRequest(ex, sight, d.request_id));
  }

  const service = {
    /** Attaches a file to a request (web, API, CLI). */
    async upload(actor: Actor, requestId: number, input: UploadInput) {
      authorize(actor, 'document.upload');
      const { doc } = await store(actor, requestId, input);
      return presentDocument(doc, true);
    },

    /**
     * Uploads served legal process before its request is recorded (the new-request page): the file is kept
     * for its uploader, its text read, and suggestions offered; `requests.create` attaches it.
     */
    async uploadForNewRequest(actor: Actor, input: Omit<UploadInput, 'kind'>) {
      authorize(actor, 'request.create');
      authorize(actor, 'document.upload');
      const { doc, text } = await store(actor, null, { ...input, kind: 'legal_process' });
      return { document: presentDocument(doc, true), text, suggestions: text ? suggestFromText(text) : [] };
    },

    /** A request's documents; a viewer gets kind, size and date only. */
    async list(actor: Actor, requestId: number): Promise<PresentedDocument[]> {
      authorize(actor, 'document.list');
      await assertSeesRequest(db, actor, requestId);
      const full = can(actor, 'document.read');
      return (await documentsOf(db, requestId)).map((d) => presentDocument(d, full));
    },

    async get(actor: Actor, id: number): Promise<PresentedDocument> {
      return presentDocument(await readable(actor, id), true);
    },

    /** The extracted text of a PDF, with the suggestions found in it; a view, so an audit event. */
    async read(
      actor: Actor,
      id: number,
    ): Promise<{ document: PresentedDocument; text: string | null; suggestions: Suggestion[] }> {
      const d = await readable(actor, id);
      const text = d.removed_at ? null : vault.text(d);
      if (text !== null)
        await db.transaction().execute((trx) =>
          appendEvent(trx, {
            at: clock(),
            actor: actor.label,
            action: 'document.view',
            ...entityOf(d),
            after: fileFacts(d),
          }),
        );
      return { document: presentDocument(d, true), text, suggestions: text ? suggestFromText(text) : [] };
    },

    /**
     * Opens a document for download (a download audit event). The stream is verified as it goes: see
     * `Vault.open`. Callers send it as an attachment.
     */
    async download(
      actor: Actor,
      id: number,
    ): Promise<{ document: PresentedDocument & { name: string }; stream: Readable }> {
      const d = await readable(actor, id);
      const stream = await vault.open(d);
      await db.transaction().execute((trx) =>
        appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'document.download',
          ...entityOf(d),
          after: fileFacts(d),
        }),
      );
      return { document: { ...presentDocument(d, true), name: d.name }, stream };
    },

    /** Deletes a document (admins, with a reason): its key is destroyed, then its blob removed. */
    async remove(actor: Actor, id: number, reason: string): Promise<PresentedDocument> {
      authorize(actor, 'document.delete');
      const why = reason.trim();
      if (why.length < 5)
        throw new CandorError('invalid', 'say why the document is deleted (5 characters or more)', [
          { field: 'reason', message: 'required' },
        ]);
      const now = clock();
      const d = await db.transaction().execute(async (trx) => {
        const d = await lockDocument(trx, id);
        if (!d || (await hidden(actor, d, trx)))
          throw new CandorError('not_found', `document ${id} does not exist`);
        if (d.removed_at) throw new CandorError('invalid_state', `document ${id} was already removed`);
        if (d.legal_hold)
          throw new CandorError(
            'invalid_state',
            `document ${id} is under legal hold: release the hold first`,
          );
        await removeDocument(trx, id, { at: now, by: actor.label, reason: why });
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'document.delete',
          ...entityOf(d),
          after: { ...fileFacts(d), reason: why },
        });
        return d;
      });
      await vault.discard(d.blob_key);
      return presentDocument((await findDocument(db, id))!, true);
    },

    /** Sets or releases a legal hold, which blocks deletion and retention purge. */
    async hold(actor: Actor, id: number, hold: boolean, reason: string): Promise<PresentedDocument> {
      authorize(actor, 'document.hold');
      const why = reason.trim();
      if (!why)
        throw new CandorError('invalid', 'a legal hold needs a reason', [
          { field: 'reason', message: 'required' },
        ]);
      const now = clock();
      await db.transaction().execute(async (trx) => {
        const d = await lockDocument(trx, id);
        if (!d || (await hidden(actor, d, trx)))
          throw new CandorError('not_found', `document ${id} does not exist`);
        if (d.removed_at) throw new CandorError('invalid_state', `document ${id} was removed`);
        if (d.legal_hold === hold) return;
        await setLegalHold(trx, id, hold);
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: hold ? 'document.hold' : 'document.hold_release',
          ...entityOf(d),
          after: { ...fileFacts(d), reason: why },
        });
      });
      return presentDocument((await findDocument(db, id))!, true);
    },

    /**
     * Attaches documents uploaded on the new-request page to the request just created, inside its
     * transaction (called by `requests.create`). Refuses ids that are not the actor's own unattached uploads.
     */
    async attachInTransaction(trx: Db, actor: Actor, ids: readonly number[], requestId: number, now: Date) {
      if (ids.length === 0) return;
      authorize(actor, 'document.upload');
      const attached = await attachDocuments(trx, [...new Set(ids)], requestId, actor.userId);
      if (attached.length !== new Set(ids).size)
        throw new CandorError('invalid', 'a document to attach is not your own unattached upload', [
          { field: 'document_ids', message: 'not an upload of yours waiting for its request' },
        ]);
      for (const d of attached)
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'document.attach',
          entity: 'request',
          entityId: requestId,
          after: fileFacts(d),
        });
    },
  };
  return service;
}
export type DocumentService = ReturnType<typeof createDocumentService>;

function rowOf(
  i: Ingested,
  kind: DocumentKind,
  name: string,
  actor: Actor,
  requestId: number | null,
  now: Date,
) {
  return {
    request_id: requestId,
    kind,
    name,
    media_type: i.mediaType,
    size_bytes: i.size,
    sha256: i.sha256,
    blob_key: i.blobKey,
    wrapped_key: i.wrappedKey,
    key_id: i.keyId,
    text_status: i.text.status,
    text_sealed: i.text.sealed,
    text_note: i.text.note,
    uploaded_by: actor.label,
    uploaded_by_user_id: actor.userId,
    uploaded_at: now,
  };
}
