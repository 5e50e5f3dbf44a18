import type { Suggestion, SuggestionField } from '../../domain/document-suggestions.ts';
import type { PresentedDocument } from '../../services/documents/documents.ts';
import type { WebContext } from '../context.ts';
import { Form } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Notice, type PageContext } from '../layout.tsx';
import { size } from './request-documents.tsx';

/**
 * "Start from the served process" on the new-request page: upload the PDF first, read its text, and offer
 * what was found in it. Each suggestion is a checkbox the user ticks; only ticked ones fill the form, which
 * the user then checks and records. The form carries the suggestions' ids, never their values.
 */

const FIELD_LABELS: Record<SuggestionField, string> = {
  external_ref: 'External reference',
  'agency.name': 'Agency',
  received_at: 'Received',
  accounts: 'Accounts',
  identifiers: 'Other identifiers',
};

export interface ProcessView {
  document: PresentedDocument;
  text: string | null;
  suggestions: Suggestion[];
  chosen: string[];
}

/** Reads the uploaded process named in the query (a view of its text), with the suggestions chosen. */
export async function loadProcess(c: WebContext): Promise<ProcessView | null> {
  const id = Number(c.query.get('process'));
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const r = await c.services.documents.read(c.actor, id);
  return { ...r, chosen: c.query.all('use') };
}

/** The form's starting values from the chosen suggestions (lists join one per line). */
export function prefill(p: ProcessView): Form {
  const m = new Map<string, string[]>();
  for (const s of p.suggestions.filter((x) => p.chosen.includes(x.id))) {
    const value = s.field === 'received_at' ? `${s.value}T00:00` : s.value;
    if (s.field === 'accounts' || s.field === 'identifiers') {
      m.set(s.field, [[...(m.get(s.field) ?? []), value].join('\n')]);
    } else if (!m.has(s.field)) m.set(s.field, [value]);
  }
  return new Form(m);
}

export function ProcessCard(props: {
  ctx: PageContext;
  p: ProcessView | null;
  maxBytes: number;
  message?: string;
}): Html {
  const { p } = props;
  if (!p)
    return (
      <section class="card process" aria-labelledby="process-head">
        <h2 id="process-head">Start from the served process</h2>
        <p class="hint">
          Optional: upload the subpoena, warrant or order first. Its text is read, and what it names is
          offered for you to choose — nothing is filled in unless you choose it. The file is attached to the
          request.
        </p>
        {props.message && <Notice kind="error">{props.message}</Notice>}
        <form
          method="post"
          action="/requests/new/process"
          enctype="multipart/form-data"
          class="upload dropzone"
          data-dropzone=""
        >
          <CsrfField ctx={props.ctx} />
          <div class="field">
            <label for="process-file">The served process (PDF)</label>
            <p class="hint" id="process-file-hint">
              Up to {size(props.maxBytes)}; encrypted at rest. Or drop the file here.
            </p>
            <input
              id="process-file"
              type="file"
              name="file"
              accept="application/pdf,.pdf"
              required
              aria-describedby="process-file-hint"
            />
          </div>
          <div class="actions">
            <button type="submit">Read the process</button>
          </div>
        </form>
      </section>
    );
  const chosen = p.suggestions.filter((s) => p.chosen.includes(s.id));
  return (
    <section class="card process" aria-labelledby="process-head">
      <h2 id="process-head">From {p.document.name}</h2>
      <p class="meta mono small">SHA-256 {p.document.sha256}</p>
      {p.document.text_note && <Notice kind="warn">{p.document.text_note}</Notice>}
      {chosen.length > 0 && (
        <Notice kind="info">
          Filled in from the process: {chosen.map((s) => FIELD_LABELS[s.field]).join(', ')}. Check them before
          you record the request.
        </Notice>
      )}
      {p.text !== null && (
        <details class="doc-text">
          <summary>Text of the process</summary>
          <pre>{p.text}</pre>
        </details>
      )}
      {p.suggestions.length > 0 ? (
        <form method="get" action="/requests/new" class="suggestions">
          <input type="hidden" name="process" value={String(p.document.id)} />
          <fieldset>
            <legend>Found in the process — choose what to use</legend>
            {p.suggestions.map((s) => (
              <div class="check">
                <input
                  type="checkbox"
                  id={`use-${s.id.replace(/[^a-z0-9]+/gi, '-')}`}
                  name="use"
                  value={s.id}
                  checked={p.chosen.includes(s.id)}
                />
                <label for={`use-${s.id.replace(/[^a-z0-9]+/gi, '-')}`}>
                  {FIELD_LABELS[s.field]}: <strong>{s.value}</strong> <span class="meta">({s.what})</span>
                </label>
              </div>
            ))}
          </fieldset>
          <div class="actions">
            <button type="submit">Fill in the chosen suggestions</button>
            <a href="/requests/new">Start without the process</a>
          </div>
        </form>
      ) : (
        <p class="hint">
          Nothing to suggest was found in it; fill in the form below. The file will still be attached.
        </p>
      )}
    </section>
  );
}
