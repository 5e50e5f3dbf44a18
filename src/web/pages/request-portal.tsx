import { CandorError } from '../../errors.ts';
import type { PresentedProduction } from '../../services/documents/productions.ts';
import { can } from '../../services/authorize.ts';
import type { PortalIntake } from '../../services/portal/intake.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { fieldsFor } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { CsrfField, Notice, Section, type PageContext } from '../layout.tsx';
import { renderDetail } from './request-detail.tsx';

type ForRequest = Awaited<ReturnType<PortalIntake['forRequest']>>;
type Thread = Awaited<ReturnType<PortalIntake['get']>>['messages'];

/** What the request page needs of the portal: the senders, their threads, and the releases. */
export interface PortalView {
  portal: ForRequest;
  threads: Map<number, Thread>;
  productions: PresentedProduction[];
  message?: string;
}

export async function loadPortal(c: WebContext, id: number, message?: string): Promise<PortalView | null> {
  if (!can(c.actor, 'portal.intake')) return null;
  const portal = await c.services.portal.intake.forRequest(c.actor, id);
  if (portal.submissions.length === 0) return null;
  const threads = new Map<number, Thread>();
  for (const s of portal.submissions)
    threads.set(s.id, (await c.services.portal.intake.get(c.actor, s.id)).messages);
  const productions = can(c.actor, 'production.read') ? await c.services.productions.list(c.actor, id) : [];
  return { portal, threads, productions, message };
}

/** The request page's portal panel: how each sender was verified, the thread with a reply form, releases. */
export function PortalSection(props: { ctx: PageContext; requestId: number; v: PortalView }): Html {
  const { ctx, requestId, v } = props;
  return (
    <Section title="Agency portal" id="portal">
      {v.message && <Notice kind="error">{v.message}</Notice>}
      {v.portal.submissions.map((s) => {
        const F = fieldsFor(`portal-${s.id}`);
        const p = s.sender;
        return (
          <div class="portal-sub">
            <h3>
              {s.reference} · {s.officer.name}, {s.officer.agency}
              {s.duplicate ? ' (duplicate)' : ''}
            </h3>
            <dl class="facts">
              <dt>Domain rule</dt>
              <dd>{p?.domain_rule ?? 'none (approved by an admin)'}</dd>
              <dt>Verified</dt>
              <dd>
                {p?.verified_how ?? 'not verified'}
                {p?.verified_by ? ` by ${p.verified_by}` : ''}
              </dd>
              <dt>Address confirmed</dt>
              <dd>{p?.email_verified_at ? `${p.email} on ${when(p.email_verified_at)}` : 'never'}</dd>
              <dt>Second factor</dt>
              <dd>{p?.second_factor ? 'yes' : 'no'}</dd>
              <dt>First submission</dt>
              <dd>{p?.first_submission_at ? when(p.first_submission_at) : '—'}</dd>
              <dt>Account age</dt>
              <dd>{p ? `${p.account_age_days} days` : '—'}</dd>
              <dt>Officer sees</dt>
              <dd>{s.officer_status}</dd>
            </dl>
            <h4>Messages</h4>
            {(v.threads.get(s.id) ?? []).length === 0 && <p class="hint">No messages yet.</p>}
            <ul class="thread">
              {(v.threads.get(s.id) ?? []).map((m) => (
                <li>
                  <strong>{m.sender === 'staff' ? `Legal team (${m.author})` : 'Officer'}</strong> ·{' '}
                  {when(m.at)}
                  <p class="prewrap">{m.body}</p>
                </li>
              ))}
            </ul>
            <form method="post" action={`/requests/${requestId}/portal/${s.id}/message`}>
              <CsrfField ctx={ctx} />
              <F.TextArea name="body" label="Reply to the officer (they read exactly this)" rows={3} />
              <button type="submit" class="small">
                Send message
              </button>
            </form>
            {s.state === 'accepted' &&
              v.productions.length > 0 &&
              can(ctx.session!.actor, 'portal.release') && (
                <form method="post" action={`/requests/${requestId}/portal/${s.id}/release`} class="grid">
                  <CsrfField ctx={ctx} />
                  <F.Select
                    name="production_id"
                    label="Production to release"
                    options={v.productions.map((x) => String(x.id))}
                    labelOf={(pid) => {
                      const x = v.productions.find((y) => String(y.id) === pid)!;
                      return `Production ${x.number} (${x.files.length} files, ${when(x.produced_at)})`;
                    }}
                  />
                  <F.Input name="days" label="Days downloadable" inputmode="numeric" value="7" />
                  <F.Input name="max_downloads" label="Download limit" inputmode="numeric" value="5" />
                  <div class="actions">
                    <button type="submit" class="primary">
                      Release to the officer
                    </button>
                  </div>
                </form>
              )}
          </div>
        );
      })}
      {v.portal.releases.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">Downloads</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {v.portal.releases.map((r) => (
                <tr>
                  <td data-label="Release">
                    Production {r.production_number}, {when(r.released_at)} by {r.released_by}
                  </td>
                  <td data-label="Downloads">
                    {r.downloads} of {r.max_downloads}
                  </td>
                  <td data-label="Expires">
                    {r.revoked_at ? `revoked ${when(r.revoked_at)}` : when(r.expires_at)}
                  </td>
                  <td data-label="Actions" class="row-actions">
                    {!r.revoked_at && (
                      <form
                        method="post"
                        action={`/requests/${requestId}/portal/releases/${r.id}/revoke`}
                        class="inline"
                      >
                        <CsrfField ctx={ctx} />
                        <button
                          type="submit"
                          class="small"
                          data-confirm="Revoke this release? The officer can no longer download it."
                        >
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

const num = (v: string, name: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647)
    throw new CandorError('not_found', `no ${name} ${v}`);
  return n;
};

/** Runs a portal action; a refusal (the policy gate, bad input) shows the request page with its message. */
async function act(c: WebContext, fn: () => Promise<unknown>) {
  const rid = num(c.params.id ?? '', 'request');
  try {
    await fn();
    return { redirect: `/requests/${rid}#portal` };
  } catch (e) {
    if (!(e instanceof CandorError) || !['invalid', 'invalid_state'].includes(e.code)) throw e;
    return {
      status: e.code === 'invalid' ? 400 : 409,
      html: await renderDetail(c, rid, undefined, undefined, e.message),
    };
  }
}

export const routes: WebRoute[] = [
  {
    method: 'POST',
    path: '/requests/:id/portal/:sid/message',
    access: 'portal.intake',
    handler: (c) =>
      act(c, () =>
        c.services.portal.intake.message(c.actor, num(c.params.sid ?? '', 'submission'), c.form.get('body')),
      ),
  },
  {
    method: 'POST',
    path: '/requests/:id/portal/:sid/release',
    access: 'portal.release',
    handler: (c) =>
      act(c, () => {
        const int = (name: string) => {
          const t = c.form.get(name);
          const n = Number(t);
          if (t === '' || !Number.isInteger(n))
            throw new CandorError('invalid', `${name}: expected a whole number`, [
              { field: name, message: 'a whole number' },
            ]);
          return n;
        };
        return c.services.portal.releases.release(
          c.actor,
          num(c.params.sid ?? '', 'submission'),
          int('production_id'),
          {
            days: int('days'),
            maxDownloads: int('max_downloads'),
          },
        );
      }),
  },
  {
    method: 'POST',
    path: '/requests/:id/portal/releases/:rid/revoke',
    access: 'portal.release',
    handler: (c) =>
      act(c, () => c.services.portal.releases.revoke(c.actor, num(c.params.rid ?? '', 'release'))),
  },
];
