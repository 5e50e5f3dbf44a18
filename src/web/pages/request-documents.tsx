import { DOCUMENT_KINDS } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { PresentedDocument } from '../../services/documents/documents.ts';
import type { PresentedProduction } from '../../services/documents/productions.ts';
import { redirect, type WebContext, type WebRoute } from '../context.ts';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Notice, Section, type PageContext } from '../layout.tsx';
import { renderDetail, requestId } from './request-detail.tsx';

/**
 * The request page's documents and productions, and their form endpoints. Uploads are multipart forms that
 * work without JavaScript (the file field last, after the CSRF token); app.js adds drag-and-drop.
 */

const KIND_LABELS: Record<string, string> = {
  legal_process: 'Legal process',
  correspondence: 'Correspondence',
  production: 'Produced file',
  certificate: 'Certificate',
  other: 'Other',
};

export const size = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;

/** What the request page shows of documents; loaded by `loadDocuments`. */
export interface DocumentsView {
  documents: PresentedDocument[];
  /** The text read from each PDF shown (legal process), by document id. */
  texts: Map<number, string>;
  productions: PresentedProduction[] | null;
  maxBytes: number;
  /** A refused upload or action, shown in the section. */
  message?: string;
}

/** Loads the documents of a request for its page; reading a text is a view (an audit event). */
export async function loadDocuments(c: WebContext, id: number, message?: string): Promise<DocumentsView> {
  const documents = await c.services.documents.list(c.actor, id);
  const texts = new Map<number, string>();
  if (can(c.actor, 'document.read'))
    for (const d of documents.filter(
      (x) => x.text_status === 'extracted' && !x.removed && x.kind === 'legal_process',
    )) {
      const r = await c.services.documents.read(c.actor, d.id);
      if (r.text) texts.set(d.id, r.text);
    }
  const productions = can(c.actor, 'production.read') ? await c.services.productions.list(c.actor, id) : null;
  return { documents, texts, productions, maxBytes: c.config.documentMaxBytes, message };
}

function UploadForm(props: {
  ctx: PageContext;
  action: string;
  id: string;
  maxBytes: number;
  kinds?: boolean;
  label: string;
}): Html {
  return (
    <form
      method="post"
      action={props.action}
      enctype="multipart/form-data"
      class="upload dropzone"
      data-dropzone=""
    >
      <CsrfField ctx={props.ctx} />
      {props.kinds !== false && (
        <div class="field">
          <label for={`${props.id}-kind`}>Kind</label>
          <select id={`${props.id}-kind`} name="kind">
            {DOCUMENT_KINDS.map((k) => (
              <option value={k}>{KIND_LABELS[k]}</option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for={`${props.id}-file`}>File</label>
        <p class="hint" id={`${props.id}-hint`}>
          Up to {size(props.maxBytes)}; encrypted at rest. Or drop a file here.
        </p>
        <input
          id={`${props.id}-file`}
          type="file"
          name="file"
          required
          aria-describedby={`${props.id}-hint`}
        />
      </div>
      <div class="actions">
        <button type="submit" class="primary">
          {props.label}
        </button>
      </div>
    </form>
  );
}

export function DocumentsSection(props: { ctx: PageContext; requestId: number; v: DocumentsView }): Html {
  const { v, ctx } = props;
  const actor = ctx.session!.actor;
  const full = can(actor, 'document.read');
  return (
    <Section
      title={`Documents (${v.documents.filter((d) => !d.removed).length})`}
      id="documents"
      // Folded while there is nothing to show (the upload form is one click away); a refusal opens it.
      fold={v.documents.length === 0 && !v.message ? 'closed' : undefined}
      summary="None yet; open to upload one"
    >
      {v.message && <Notice kind="error">{v.message}</Notice>}
      {!full && v.documents.length > 0 && (
        <p class="hint">Names and content of documents are shown to handlers, approvers and admins.</p>
      )}
      {v.documents.length === 0 ? (
        <p class="empty">No documents yet.</p>
      ) : (
        <ul class="documents">
          {v.documents.map((d) => (
            <li class={d.removed ? 'removed' : undefined} id={`document-${d.id}`}>
              <div class="doc-head">
                <strong>
                  {full && !d.removed ? (
                    <a href={`/documents/${d.id}/download`}>{d.name}</a>
                  ) : (
                    (d.name ?? KIND_LABELS[d.kind])
                  )}
                </strong>{' '}
                <span class="tag">{KIND_LABELS[d.kind]}</span>{' '}
                {d.legal_hold && <span class="tag tag-warn">Legal hold</span>}
                <span class="meta">
                  {size(d.size)}
                  {d.media_type ? ` · ${d.media_type}` : ''} · {when(d.uploaded_at)}
                  {d.uploaded_by ? ` · ${d.uploaded_by}` : ''}
                </span>
              </div>
              {d.sha256 && (
                <p class="mono small" title="SHA-256 of the file">
                  SHA-256 {d.sha256}
                </p>
              )}
              {d.removed && (
                <p class="meta">
                  Removed {when(d.removed.at)} by {d.removed.by}: {d.removed.reason}
                </p>
              )}
              {d.text_note && !d.removed && <p class="meta">{d.text_note}</p>}
              {v.texts.has(d.id) && (
                <details class="doc-text" open>
                  <summary>Text of the document</summary>
                  <pre>{v.texts.get(d.id)}</pre>
                </details>
              )}
              {!d.removed && can(actor, 'document.hold') && (
                <form method="post" action={`/documents/${d.id}/hold`} class="inline-form">
                  <CsrfField ctx={ctx} />
                  <input type="hidden" name="hold" value={d.legal_hold ? 'off' : 'on'} />
                  <label for={`hold-${d.id}-reason`}>Reason</label>
                  <input id={`hold-${d.id}-reason`} name="reason" required />
                  <button type="submit">
                    {d.legal_hold ? 'Release legal hold' : 'Put under legal hold'}
                  </button>
                </form>
              )}
              {!d.removed && can(actor, 'document.delete') && (
                <form method="post" action={`/documents/${d.id}/delete`} class="inline-form">
                  <CsrfField ctx={ctx} />
                  <label for={`delete-${d.id}-reason`}>Reason</label>
                  <input id={`delete-${d.id}-reason`} name="reason" required minlength="5" />
                  <button
                    type="submit"
                    class="danger"
                    data-confirm="Delete this document? Its key is destroyed: it cannot be recovered."
                  >
                    Delete
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {can(actor, 'document.upload') && (
        <UploadForm
          ctx={ctx}
          action={`/requests/${props.requestId}/documents`}
          id="upload"
          maxBytes={v.maxBytes}
          label="Upload"
        />
      )}
    </Section>
  );
}

export function ProductionsSection(props: {
  ctx: PageContext;
  requestId: number;
  v: DocumentsView;
}): Html | null {
  const { v, ctx } = props;
  if (!v.productions) return null;
  const produced = new Set(v.productions.flatMap((p) => p.files.map((f) => f.sha256)));
  const candidates = v.documents.filter((d) => d.kind === 'production' && !d.removed);
  const fresh = candidates.filter((d) => !produced.has(d.sha256 ?? ''));
  return (
    <Section
      title="Productions"
      id="productions"
      // Folded while nothing was produced and no produced file waits to be.
      fold={v.productions.length === 0 && candidates.length === 0 ? 'closed' : undefined}
      summary="Nothing produced yet"
    >
      {v.productions.length === 0 ? (
        <p class="empty">Nothing produced yet.</p>
      ) : (
        <ul class="productions">
          {v.productions.map((p) => (
            <li id={`production-${p.number}`}>
              <strong>Production {p.number}</strong> · {when(p.produced_at)} · {p.produced_by} ·{' '}
              {p.files.length} file(s) · <a href={`/productions/${p.id}/zip`}>Download zip</a>
              <p class="mono small">Manifest SHA-256 {p.manifest_sha256}</p>
              <ul>
                {p.files.map((f) => (
                  <li class="small">
                    {f.name} · {size(f.size)} · <span class="mono">{f.sha256}</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {can(ctx.session!.actor, 'production.record') && (
        <form method="post" action={`/requests/${props.requestId}/productions`} class="production-form">
          <CsrfField ctx={ctx} />
          {candidates.length === 0 ? (
            <p class="hint">Upload the produced files above (kind: Produced file) to record a production.</p>
          ) : (
            <fieldset>
              <legend>Files to produce</legend>
              {candidates.map((d) => (
                <div class="check">
                  <input
                    type="checkbox"
                    id={`produce-${d.id}`}
                    name="document_ids"
                    value={String(d.id)}
                    checked={fresh.includes(d)}
                  />
                  <label for={`produce-${d.id}`}>
                    {d.name} ({size(d.size)})
                  </label>
                </div>
              ))}
            </fieldset>
          )}
          <div class="check">
            <input type="checkbox" id="produce-certify" name="certify" />
            <label for="produce-certify">
              Add the business-records certification (FRE 902(11)), filled from the record
            </label>
          </div>
          <div class="actions">
            <button type="submit" class="primary" disabled={candidates.length === 0}>
              Record production
            </button>
          </div>
        </form>
      )}
    </Section>
  );
}

/** Re-renders the request page with a refused document action's message, or rethrows. */
async function againWith(c: WebContext, id: number, e: unknown) {
  if (e instanceof CandorError && ['invalid', 'invalid_state', 'not_found', 'conflict'].includes(e.code)) {
    const detail = e.issues.length ? ` (${e.issues.map((i) => `${i.field}: ${i.message}`).join('; ')})` : '';
    return { status: 422, html: await renderDetail(c, id, undefined, `${e.message}${detail}`) };
  }
  throw e;
}

const documentId = (c: WebContext) => {
  const id = Number(c.params.id);
  if (!Number.isSafeInteger(id) || id < 1) throw new CandorError('not_found', `no document ${c.params.id}`);
  return id;
};

export const routes: WebRoute[] = [
  {
    method: 'POST',
    path: '/requests/:id/documents',
    access: 'document.upload',
    upload: true,
    handler: async (c) => {
      const id = requestId(c);
      try {
        if (!c.upload || !c.upload.name)
          throw new CandorError('invalid', 'choose a file to upload', [
            { field: 'file', message: 'required' },
          ]);
        await c.services.documents.upload(c.actor, id, {
          kind: c.form.get('kind') as never,
          name: c.upload.name,
          file: c.upload.file,
        });
        return redirect(`/requests/${id}?done=uploaded#documents`);
      } catch (e) {
        return againWith(c, id, e);
      }
    },
  },
  {
    method: 'GET',
    path: '/documents/:id/download',
    access: 'document.read',
    handler: async (c) => {
      const { document: d, stream } = await c.services.documents.download(c.actor, documentId(c));
      return {
        download: {
          name: d.name,
          mediaType: d.media_type ?? 'application/octet-stream',
          size: d.size,
          stream,
        },
      };
    },
  },
  {
    method: 'POST',
    path: '/documents/:id/delete',
    access: 'document.delete',
    handler: async (c) => {
      const d = await c.services.documents.get(c.actor, documentId(c));
      try {
        await c.services.documents.remove(c.actor, d.id, c.form.get('reason'));
      } catch (e) {
        if (d.request_id === null) throw e;
        return againWith(c, d.request_id, e);
      }
      return redirect(d.request_id ? `/requests/${d.request_id}?done=doc_deleted#documents` : '/requests');
    },
  },
  {
    method: 'POST',
    path: '/documents/:id/hold',
    access: 'document.hold',
    handler: async (c) => {
      const d = await c.services.documents.get(c.actor, documentId(c));
      const hold = c.form.get('hold') === 'on';
      try {
        await c.services.documents.hold(c.actor, d.id, hold, c.form.get('reason'));
      } catch (e) {
        if (d.request_id === null) throw e;
        return againWith(c, d.request_id, e);
      }
      return redirect(`/requests/${d.request_id ?? ''}?done=${hold ? 'doc_held' : 'doc_released'}#documents`);
    },
  },
  {
    method: 'POST',
    path: '/requests/:id/productions',
    access: 'production.record',
    handler: async (c) => {
      const id = requestId(c);
      try {
        const ids = c.form.all('document_ids').map(Number);
        await c.services.productions.record(c.actor, id, {
          ...(ids.length ? { document_ids: ids } : {}),
          certify: c.form.get('certify') === 'on',
        });
        return redirect(`/requests/${id}?done=produced#productions`);
      } catch (e) {
        return againWith(c, id, e);
      }
    },
  },
  {
    method: 'GET',
    path: '/productions/:id/zip',
    access: 'production.read',
    handler: async (c) => {
      const z = await c.services.productions.zip(c.actor, documentId(c));
      return { download: { name: z.fileName, mediaType: 'application/zip', stream: z.stream } };
    },
  },
];
