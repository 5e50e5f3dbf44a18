import { COMMENT_MAX } from '../../domain/comments.ts';
import { CORRESPONDENCE_CHANNELS, CORRESPONDENCE_DIRECTIONS } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { can } from '../../services/authorize.ts';
import type { PresentedComment, PresentedCorrespondence } from '../../services/comments.ts';
import type { PresentedDocument } from '../../services/documents/documents.ts';
import { redirect, type WebContext, type WebRoute } from '../context.ts';
import { ErrorSummary, Errors, fieldId, fieldsFor } from '../forms.tsx';
import { actorLabel } from '../history.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { label, when } from '../labels.ts';
import { CsrfField, Notice, Section, type PageContext } from '../layout.tsx';
import { renderDetail, requestId } from './request-detail.tsx';

/**
 * The request page's comment thread and correspondence log (docs/web.md), and their form endpoints. The forms
 * work without JavaScript: POST, then a redirect back to the section; a refused form renders the page again
 * with its input kept and the error beside the field. Everything is checked by services/comments.ts, which
 * the API and the CLI call too.
 */

type FormName = 'comment' | 'correspondence';

/** A refused form, shown again on the page the POST renders. */
interface Refused {
  form: FormName;
  values: Record<string, string | string[]>;
  errors: Errors;
  message: string;
}

/**
 * A refused form of this request, for the page its POST renders. Kept beside the context of that one POST (not
 * passed through renderDetail), so the request page needs no parameter for it.
 */
const refused = new WeakMap<WebContext, Refused>();

/** What the request page shows of comments and correspondence; loaded by `loadComments`. */
export interface CommentsView {
  comments: PresentedComment[];
  correspondence: PresentedCorrespondence[];
  /** Whom the comment form offers to notify; null when the viewer may not comment. */
  users: Array<{ id: number; email: string }> | null;
  /** The request's live documents (for the correspondence form and its links). */
  documents: PresentedDocument[];
  canLog: boolean;
  canReadDocuments: boolean;
  /** The comment just posted (after the redirect), to say whom it notified. */
  posted: PresentedComment | null;
  logged: boolean;
  refused: Refused | null;
}

/** Loads the comments, correspondence and form choices of a request for its page. */
export async function loadComments(c: WebContext, id: number): Promise<CommentsView> {
  const [comments, correspondence] = await Promise.all([
    c.services.comments.comments(c.actor, id),
    c.services.comments.correspondence(c.actor, id),
  ]);
  const canComment = can(c.actor, 'request.comment');
  const canLog = can(c.actor, 'correspondence.record');
  const users = canComment ? await c.services.comments.mentionable(c.actor) : null;
  const documents = (await c.services.documents.list(c.actor, id)).filter((d) => !d.removed);
  const postedId = Number(c.query.get('comment'));
  return {
    comments,
    correspondence,
    users,
    documents,
    canLog,
    canReadDocuments: can(c.actor, 'document.read'),
    posted: comments.find((x) => x.id === postedId && x.author === c.actor.label) ?? null,
    logged: c.query.get('logged') === '1',
    refused: refused.get(c) ?? null,
  };
}

const documentName = (d: PresentedDocument | undefined, id: number) =>
  d?.name ?? `Document #${id}${d ? ` (${label(d.kind)})` : ''}`;

function Mentions(props: { c: PresentedComment }): Html | null {
  const notified = props.c.mentions.filter((m) => m.notified);
  const not = props.c.mentions.filter((m) => !m.notified);
  if (props.c.mentions.length === 0) return null;
  return (
    <p class="meta">
      {notified.length > 0 && <>Notified: {notified.map((m) => m.email).join(', ')}. </>}
      {not.length > 0 && <>Not notified: {not.map((m) => `${m.email} (${m.why ?? ''})`).join('; ')}.</>}
    </p>
  );
}

function CommentForm(props: { ctx: PageContext; requestId: number; v: CommentsView }): Html {
  const f = fieldsFor('comment');
  const r = props.v.refused?.form === 'comment' ? props.v.refused : null;
  const errors = r?.errors ?? new Errors();
  const picked = new Set([r?.values.mention_user_ids ?? []].flat());
  const pickId = fieldId({ name: 'mention_user_ids', form: 'comment' });
  return (
    <form method="post" action={`/requests/${props.requestId}/comments#comments`} class="comment-form">
      <CsrfField ctx={props.ctx} />
      {r && <ErrorSummary errors={errors} message={r.message} />}
      <f.TextArea
        name="text"
        label="Comment"
        hint={`Internal: never sent to the agency or the customer. Up to ${COMMENT_MAX.toLocaleString('en-US')} characters; a comment cannot be changed once posted. Write @ and an address (@ana@example.com) to notify a colleague.`}
        value={typeof r?.values.text === 'string' ? r.values.text : ''}
        errors={errors}
        rows={4}
        wide
      />
      {props.v.users && props.v.users.length > 0 && (
        <div class={`field${errors.for('mention_user_ids').length ? ' has-error' : ''}`}>
          <label for={pickId}>Also notify</label>
          <p class="hint" id={`${pickId}-hint`}>
            Optional; choose several with Ctrl or Cmd. Only people who may see this request are e-mailed.
          </p>
          <select id={pickId} name="mention_user_ids" multiple size="4" aria-describedby={`${pickId}-hint`}>
            {props.v.users.map((u) => (
              <option value={String(u.id)} selected={picked.has(String(u.id))}>
                {u.email}
              </option>
            ))}
          </select>
          {errors.for('mention_user_ids').map((e) => (
            <p class="error">{e}</p>
          ))}
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary">
          Post comment
        </button>
      </div>
    </form>
  );
}

/** The value of a `datetime-local` field for an instant (UTC, to the minute). */
const localValue = (d: Date) => d.toISOString().slice(0, 16);

function CorrespondenceForm(props: { ctx: PageContext; requestId: number; v: CommentsView }): Html {
  const f = fieldsFor('correspondence');
  const r = props.v.refused?.form === 'correspondence' ? props.v.refused : null;
  const errors = r?.errors ?? new Errors();
  const val = (k: string) => (typeof r?.values[k] === 'string' ? (r.values[k] as string) : undefined);
  const docs = props.v.documents;
  return (
    <form
      method="post"
      action={`/requests/${props.requestId}/correspondence#correspondence`}
      class="correspondence-form"
    >
      <CsrfField ctx={props.ctx} />
      {r && <ErrorSummary errors={errors} message={r.message} />}
      <div class="grid">
        <f.Select
          name="direction"
          label="Direction"
          options={CORRESPONDENCE_DIRECTIONS}
          value={val('direction') ?? 'received'}
          errors={errors}
        />
        <f.Select
          name="channel"
          label="Channel"
          options={CORRESPONDENCE_CHANNELS}
          value={val('channel') ?? 'email'}
          errors={errors}
        />
        <f.Input
          name="occurred_at"
          label="When (UTC)"
          type="datetime-local"
          value={val('occurred_at') ?? localValue(new Date())}
          errors={errors}
        />
        <f.Input
          name="counterpart"
          label="Counterpart"
          hint="Who at the agency, e.g. SA Jane Roe, FBI Boston"
          value={val('counterpart')}
          errors={errors}
        />
      </div>
      <f.TextArea name="summary" label="Summary" value={val('summary')} errors={errors} rows={3} wide />
      {docs.length > 0 && (
        <f.Select
          name="document_id"
          label="Document"
          hint="The letter or e-mail itself, uploaded under Documents"
          options={docs.map((d) => String(d.id))}
          labelOf={(id) =>
            documentName(
              docs.find((d) => String(d.id) === id),
              Number(id),
            )
          }
          empty="None"
          value={val('document_id') ?? ''}
          errors={errors}
        />
      )}
      <div class="actions">
        <button type="submit" class="primary">
          Log correspondence
        </button>
      </div>
    </form>
  );
}

/** The comment thread (oldest first) and the correspondence log (newest first), with their forms. */
export function CommentsSection(props: { ctx: PageContext; requestId: number; v: CommentsView }): Html {
  const { v, ctx } = props;
  const posted = v.posted;
  const unreached = posted?.mentions.filter((m) => !m.notified) ?? [];
  const docs = new Map(v.documents.map((d) => [d.id, d]));
  return (
    <>
      <Section title={`Comments (${v.comments.length})`} id="comments">
        {posted && (
          <Notice kind={unreached.length ? 'warn' : 'ok'}>
            Your comment was posted.
            {posted.mentions.some((m) => m.notified) &&
              ` E-mailed: ${posted.mentions
                .filter((m) => m.notified)
                .map((m) => m.email)
                .join(', ')}.`}
            {unreached.length > 0 &&
              ` Not notified: ${unreached.map((m) => `${m.email} (${m.why ?? ''})`).join('; ')}.`}
          </Notice>
        )}
        {v.comments.length === 0 ? (
          <p class="empty">No comments yet.</p>
        ) : (
          <ol class="thread">
            {v.comments.map((x) => (
              <li id={`comment-${x.id}`}>
                <p class="meta">
                  <strong>{actorLabel(x.author)}</strong> · {when(x.created_at)}
                </p>
                <p class="prewrap">{x.text}</p>
                <Mentions c={x} />
              </li>
            ))}
          </ol>
        )}
        {v.users && <CommentForm ctx={ctx} requestId={props.requestId} v={v} />}
      </Section>
      <Section title={`Correspondence (${v.correspondence.length})`} id="correspondence">
        {v.logged && <Notice kind="ok">The correspondence was logged.</Notice>}
        {v.correspondence.length === 0 ? (
          <p class="empty">No correspondence logged yet.</p>
        ) : (
          <ol class="thread">
            {v.correspondence.map((x) => (
              <li id={`correspondence-${x.id}`}>
                <p class="meta">
                  <span class="tag">{label(x.direction)}</span> <strong>{when(x.occurred_at)}</strong> ·{' '}
                  {label(x.channel)} · {x.direction === 'sent' ? 'to' : 'from'} {x.counterpart}
                </p>
                <p class="prewrap">{x.summary}</p>
                {x.document_id !== null && (
                  <p class="meta">
                    Document:{' '}
                    {v.canReadDocuments && docs.has(x.document_id) ? (
                      <a href={`/documents/${x.document_id}/download`}>
                        {documentName(docs.get(x.document_id), x.document_id)}
                      </a>
                    ) : (
                      documentName(docs.get(x.document_id), x.document_id)
                    )}
                  </p>
                )}
                <p class="meta small">
                  Logged by {actorLabel(x.recorded_by)}, {when(x.recorded_at)}
                </p>
              </li>
            ))}
          </ol>
        )}
        {v.canLog && <CorrespondenceForm ctx={ctx} requestId={props.requestId} v={v} />}
      </Section>
    </>
  );
}

/** Renders the request page again with the refused form open, or rethrows what is not the input's fault. */
async function again(c: WebContext, id: number, form: FormName, e: unknown) {
  if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
  const values: Record<string, string | string[]> = {};
  for (const k of ['text', 'direction', 'channel', 'occurred_at', 'counterpart', 'summary', 'document_id'])
    values[k] = c.form.get(k);
  values.mention_user_ids = c.form.all('mention_user_ids');
  refused.set(c, { form, values, errors: new Errors(e.issues), message: e.message });
  return { status: 422, html: await renderDetail(c, id) };
}

/** A `datetime-local` value is read as UTC; anything else goes to the service's own check as typed. */
const utc = (v: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

export const routes: WebRoute[] = [
  {
    method: 'POST',
    path: '/requests/:id/comments',
    access: 'request.comment',
    handler: async (c) => {
      const id = requestId(c);
      try {
        const r = await c.services.comments.post(c.actor, id, {
          text: c.form.rawValue('text'),
          mention_user_ids: c.form.all('mention_user_ids'),
        });
        return redirect(`/requests/${id}?comment=${r.comment.id}#comment-${r.comment.id}`);
      } catch (e) {
        return again(c, id, 'comment', e);
      }
    },
  },
  {
    method: 'POST',
    path: '/requests/:id/correspondence',
    access: 'correspondence.record',
    handler: async (c) => {
      const id = requestId(c);
      try {
        await c.services.comments.recordCorrespondence(c.actor, id, {
          direction: c.form.get('direction') as never,
          channel: c.form.get('channel') as never,
          occurred_at: utc(c.form.get('occurred_at')),
          counterpart: c.form.get('counterpart'),
          summary: c.form.rawValue('summary'),
          document_id: c.form.get('document_id') || null,
        });
        return redirect(`/requests/${id}?logged=1#correspondence`);
      } catch (e) {
        return again(c, id, 'correspondence', e);
      }
    },
  },
];
