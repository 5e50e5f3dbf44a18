import { requestInput, type RequestInput } from '../../domain/request-input.ts';
import { CandorError, zodIssues, type FieldIssue } from '../../errors.ts';
import { redirect, type WebRoute } from '../context.ts';
import { Errors, Form } from '../forms.tsx';
import { NewRequestPage } from './request-new-form.tsx';
import { formToInput } from './request-new-input.ts';

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

export const routes: WebRoute[] = [
  {
    method: 'GET',
    path: '/requests/new',
    access: 'request.create',
    handler: async (c) => NewRequestPage({ ctx: c.page, f: new Form(), errors: new Errors(), message: '' }),
  },
  {
    method: 'POST',
    path: '/requests',
    access: 'request.create',
    handler: async (c) => {
      const parsed = requestInput.safeParse(formToInput(c.form) as RequestInput);
      const again = (issues: FieldIssue[], message: string) => ({
        status: 400,
        html: NewRequestPage({ ctx: c.page, f: c.form, errors: new Errors(issues), message }),
      });
      if (!parsed.success)
        return again(
          friendly(zodIssues(parsed.error.issues)),
          'Some fields need attention; see the messages beside them.',
        );
      try {
        const created = await c.services.requests.create(c.actor, parsed.data);
        return redirect(`/requests/${created.id}?created=1`);
      } catch (err) {
        if (err instanceof CandorError && (err.code === 'invalid' || err.code === 'conflict'))
          return again(err.issues, err.message);
        throw err;
      }
    },
  },
];
