import { CandorError } from '../../errors.ts';
import { HANDLING_POLICY_SECTIONS } from '../../domain/vocabulary.ts';
import { can } from '../../services/authorize.ts';
import type { WebContext, WebRoute } from '../context.ts';
import { Errors, TextArea } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { CsrfField, Layout, Notice, Section } from '../layout.tsx';

/**
 * The report desk's "How we handle requests" page (docs/reports.md): one Markdown field per section, with the
 * text generated from the policy engine beside it. A publisher saves; an empty field goes back to the
 * generated text. A plain form (POST, redirect): it works without JavaScript.
 */

interface Failed {
  message: string;
  errors: Errors;
  input: WebContext['form'];
}

async function page(c: WebContext, failed?: Failed): Promise<Html> {
  const policy = await c.services.reports.policy.read(c.actor);
  const mayEdit = can(c.actor, 'report.policy');
  const saved = !failed && c.query.get('done') === 'saved';
  return (
    <Layout ctx={c.page} title="How we handle requests">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="/reports">Reports</a> / <span>How we handle requests</span>
      </nav>
      <h1>How we handle requests</h1>
      <p>
        Published as a section of every report version computed from now on (a frozen version keeps the text
        it was frozen with). Write Markdown; headings inside a section start at <code>###</code>. A section
        left empty uses the text generated from what the configured policy engine enforces, marked as such in
        the report. Kept in <code>{policy.file}</code> on the server.
      </p>
      {saved && <Notice kind="ok">The policy was saved; the next version of each report carries it.</Notice>}
      {policy.unknown.length > 0 && (
        <Notice kind="warn">
          {`The file has sections Candor does not know, which no report prints: ${policy.unknown.join(', ')}.`}
        </Notice>
      )}
      {failed && <Notice kind="error">{failed.message}</Notice>}
      <form method="post" action="/reports/policy" class="grid">
        <CsrfField ctx={c.page} />
        {policy.sections.map((s) => (
          <Section title={s.title} id={`policy-${s.key}`}>
            {mayEdit ? (
              <TextArea
                name={s.key}
                label={`${s.title} (Markdown; empty: the generated text below)`}
                value={failed ? failed.input.get(s.key) : s.written}
                errors={failed?.errors}
                wide
                rows={6}
              />
            ) : (
              <p>{s.written ? s.written : 'Not written: the report prints the generated text below.'}</p>
            )}
            <details class="fold">
              <summary>Generated from the policy engine</summary>
              <pre class="wrap">{s.generated}</pre>
            </details>
          </Section>
        ))}
        {mayEdit && (
          <div class="actions wide">
            <button type="submit" class="button">
              Save the policy
            </button>
          </div>
        )}
      </form>
    </Layout>
  );
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/reports/policy',
    access: 'report.read',
    handler: async (c) => page(c),
  },
  {
    method: 'POST',
    path: '/reports/policy',
    access: 'report.policy',
    handler: async (c) => {
      const input = Object.fromEntries(HANDLING_POLICY_SECTIONS.map((k) => [k, c.form.get(k)]));
      try {
        await c.services.reports.policy.save(c.actor, input);
        return { redirect: '/reports/policy?done=saved' };
      } catch (e) {
        if (!(e instanceof CandorError) || e.code !== 'invalid') throw e;
        return {
          status: 422,
          html: await page(c, { message: e.message, errors: new Errors(e.issues ?? []), input: c.form }),
        };
      }
    },
  },
];
