import { requestInput, type RequestInput } from '../../domain/request-input.ts';
import { CandorError, zodIssues, type FieldIssue } from '../../errors.ts';
import { redirect, type WebContext, type WebRoute } from '../context.ts';
import { Errors, Form } from '../forms.tsx';
import { NewRequestPage } from './request-new-form.tsx';
import { formToInput } from './request-new-input.ts';
import { loadProcess, prefill, ProcessCard } from './request-new-process.tsx';

/** The form's wording for schema messages written for API clients (a list of enum values, a type name). */
function friendly(issues: FieldIssue[]): FieldIssue[] {
  return issues.map((i) => {
    if (/^invalid option/i.test(i.message)) return { ...i, message: 'choose one of the options' };
    if (/^invalid input: expected string, received undefined/i.test(i.message))
      return { ...i, message: 'required' };
    if (/too small: expected string to have >=1/i.test(i.message)) return { ...i, message: 'required' };
    return i;
  });
}

/** The new-request page, with the served process (if one was uploaded) above the form. */
async function newPage(c: WebContext, message = '') {
  const p = await loadProcess(c);
  return NewRequestPage({
    ctx: c.page,
    f: p ? prefill(p) : new Form(),
    errors: new Errors(),
    message: '',
    process: ProcessCard({ ctx: c.page, p, maxBytes: c.config.documentMaxBytes, message }),
    processDocument: p ? String(p.document.id) : undefined,
  });
}

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/new',
    access: 'request.create',
    handler: async (c) => newPage(c),
  },
  {
    method: 'POST',
    path: '/requests/new/process',
    access: 'request.create',
    upload: true,
    handler: async (c) => {
      try {
        if (!c.upload || !c.upload.name)
          throw new CandorError('invalid', 'Choose the file of the served process first.');
        const r = await c.services.documents.uploadForNewRequest(c.actor, {
          name: c.upload.name,
          file: c.upload.file,
        });
        return redirect(`/requests/new?process=${r.document.id}`);
      } catch (e) {
        if (!(e instanceof CandorError) || !['invalid', 'unavailable'].includes(e.code)) throw e;
        return { status: 422, html: await newPage(c, e.message) };
      }
    },
  },
  {
    method: 'POST',
    path: '/requests',
    access: 'request.create',
    handler: async (c) => {
      const parsed = requestInput.safeParse(formToInput(c.form) as RequestInput);
      const processDocument = c.form.get('process_document');
      const again = (issues: FieldIssue[], message: string) => ({
        status: 400,
        html: NewRequestPage({
          ctx: c.page,
          f: c.form,
          errors: new Errors(issues),
          message,
          processDocument: processDocument || undefined,
        }),
      });
      if (!parsed.success)
        return again(
          friendly(zodIssues(parsed.error.issues)),
          'Some fields need attention; see the messages beside them.',
        );
      try {
        const documentIds = /^\d+$/.test(processDocument) ? [Number(processDocument)] : [];
        const created = await c.services.requests.create(c.actor, parsed.data, { documentIds });
        return redirect(`/requests/${created.id}?created=1`);
      } catch (err) {
        // The policy gate's refusals (invalid_state) name their field, so they show beside it as well.
        if (
          err instanceof CandorError &&
          (err.code === 'invalid' || err.code === 'conflict' || err.code === 'invalid_state')
        )
          return again(err.issues, err.message);
        throw err;
      }
    },
  },
];
