import type { Child, Html } from '../html/jsx-runtime.ts';
import { CandorError, type FieldIssue } from '../errors.ts';
import { textProblem } from '../domain/primitives.ts';
import { label as vocabLabel } from './labels.ts';

function decodeFormPart(raw: string, field: string | null): string {
  let text: string | null = null;
  try {
    text = decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    // a percent-escape that is not UTF-8: refused below
  }
  const problem = text === null ? 'is not valid UTF-8 text' : textProblem(text);
  if (problem || text === null) {
    const message = problem ?? 'is not valid UTF-8 text';
    throw new CandorError('invalid', `the form is not valid: ${field ?? 'a field name'} ${message}`, [
      { field: field ?? '(form)', message },
    ]);
  }
  return text;
}

/** A submitted form (or query string): every value of every field, as the browser sent it. */
export class Form {
  constructor(private readonly values: Map<string, string[]> = new Map()) {}

  /**
   * Reads an urlencoded body strictly: a percent-escape that is not UTF-8 (`%FF`, an encoded surrogate) or a
   * NUL is refused with a 400 naming the field, never replaced (URLSearchParams would put U+FFFD in silently).
   */
  static parse(body: string): Form {
    const m = new Map<string, string[]>();
    for (const pair of body.split('&')) {
      if (pair === '') continue;
      const i = pair.indexOf('=');
      const [k, v] = [decodeFormPart(i < 0 ? pair : pair.slice(0, i), null), i < 0 ? '' : pair.slice(i + 1)];
      m.set(k, [...(m.get(k) ?? []), decodeFormPart(v, k)]);
    }
    return new Form(m);
  }

  static fromQuery(q: unknown): Form {
    const m = new Map<string, string[]>();
    for (const [k, v] of Object.entries((q ?? {}) as Record<string, string | string[]>)) {
      m.set(k, Array.isArray(v) ? v : [v]);
    }
    return new Form(m);
  }

  /** The first value, trimmed; '' when absent. */
  get(name: string): string {
    return (this.values.get(name)?.[0] ?? '').trim();
  }

  /** The first value untrimmed (passwords). */
  rawValue(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  all(name: string): string[] {
    return (this.values.get(name) ?? []).map((v) => v.trim()).filter(Boolean);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

/** Field issues keyed by form field: `identifiers.2.value` is shown at `identifiers`. */
export class Errors {
  private readonly byField = new Map<string, string[]>();
  constructor(issues: FieldIssue[] = []) {
    for (const i of issues) {
      const parts = i.field.split('.');
      const n = parts.findIndex((p) => /^\d+$/.test(p));
      const field = (n < 0 ? parts : parts.slice(0, n)).join('.');
      this.byField.set(field, [...(this.byField.get(field) ?? []), i.message]);
    }
  }
  for(field: string): string[] {
    return this.byField.get(field) ?? [];
  }
  /** The messages of a field and of its parts (`emergency` and `emergency.callback`). */
  under(field: string): string[] {
    return [...this.byField].filter(([k]) => k === field || k.startsWith(`${field}.`)).flatMap(([, m]) => m);
  }
  get size(): number {
    return this.byField.size;
  }
}

const idOf = (name: string) => `f-${name.replace(/[^a-zA-Z0-9]+/g, '-')}`;

/**
 * A field's element id: `f-<name>` on a page with one form; `f-<form>-<name>` for a field of one of several
 * forms on a page (the request page's action forms), so two forms with a field of the same name never share
 * an id and each label points at the field of its own form.
 */
export const fieldId = (p: { name: string; form?: string }): string =>
  idOf(p.form ? `${p.form}-${p.name}` : p.name);

function FieldShell(props: {
  name: string;
  /** The form the field belongs to, when the page has several (see `fieldId`). */
  form?: string;
  label: string;
  hint?: string;
  errors?: Errors;
  children?: Child;
  wide?: boolean;
}): Html {
  const errs = props.errors?.for(props.name) ?? [];
  return (
    <div class={`field${errs.length ? ' has-error' : ''}${props.wide ? ' wide' : ''}`}>
      <label for={fieldId(props)}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${fieldId(props)}-hint`}>
          {props.hint}
        </p>
      )}
      {props.children}
      {errs.map((e) => (
        <p class="error" id={`${fieldId(props)}-error`}>
          {e}
        </p>
      ))}
    </div>
  );
}

function describedBy(p: { name: string; form?: string; hint?: string; errors?: Errors }): string | undefined {
  const ids = [];
  if (p.hint) ids.push(`${fieldId(p)}-hint`);
  if (p.errors?.for(p.name).length) ids.push(`${fieldId(p)}-error`);
  return ids.length ? ids.join(' ') : undefined;
}

export function Input(props: {
  name: string;
  /** The form the field belongs to, when the page has several (see `fieldId`). */
  form?: string;
  label: string;
  value?: string;
  type?: string;
  hint?: string;
  errors?: Errors;
  required?: boolean;
  autocomplete?: string;
  list?: string;
  placeholder?: string;
  inputmode?: string;
  wide?: boolean;
}): Html {
  const bad = (props.errors?.for(props.name).length ?? 0) > 0;
  return (
    <FieldShell {...props}>
      <input
        id={fieldId(props)}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        list={props.list}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      />
    </FieldShell>
  );
}

export function TextArea(props: {
  name: string;
  /** The form the field belongs to, when the page has several (see `fieldId`). */
  form?: string;
  label: string;
  value?: string;
  hint?: string;
  errors?: Errors;
  rows?: number;
  wide?: boolean;
}): Html {
  const bad = (props.errors?.for(props.name).length ?? 0) > 0;
  return (
    <FieldShell {...props}>
      <textarea
        id={fieldId(props)}
        name={props.name}
        rows={props.rows ?? 3}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.value ?? ''}
      </textarea>
    </FieldShell>
  );
}

export function Select(props: {
  name: string;
  /** The form the field belongs to, when the page has several (see `fieldId`). */
  form?: string;
  label: string;
  options: readonly string[];
  value?: string;
  hint?: string;
  errors?: Errors;
  /** Label of an empty first option; omit to require a choice. */
  empty?: string;
  labelOf?: (v: string) => string;
  wide?: boolean;
  /**
   * The options in labelled groups (`<optgroup>`), shown after `options`: for a value that only makes sense
   * under a heading (a DSA sub-category under its category). A value may sit in several groups.
   */
  groups?: ReadonlyArray<readonly [string, readonly string[]]>;
}): Html {
  const bad = (props.errors?.for(props.name).length ?? 0) > 0;
  const show = props.labelOf ?? vocabLabel;
  // A value listed in several groups is selected once, in the first group that lists it.
  let chosen = props.options.includes(props.value ?? '');
  return (
    <FieldShell {...props}>
      <select
        id={fieldId(props)}
        name={props.name}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={describedBy(props)}
      >
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {show(o)}
          </option>
        ))}
        {(props.groups ?? [])
          .filter(([, values]) => values.length > 0)
          .map(([group, values]) => (
            <optgroup label={show(group)}>
              {values.map((o) => {
                const selected = !chosen && o === props.value;
                if (selected) chosen = true;
                return (
                  <option value={o} selected={selected}>
                    {show(o)}
                  </option>
                );
              })}
            </optgroup>
          ))}
      </select>
    </FieldShell>
  );
}

export function Checkboxes(props: {
  name: string;
  legend: string;
  options: readonly string[];
  values: readonly string[];
  hint?: string;
  errors?: Errors;
}): Html {
  const errs = props.errors?.for(props.name) ?? [];
  return (
    <fieldset class={`field checks${errs.length ? ' has-error' : ''}`}>
      <legend>{props.legend}</legend>
      {props.hint && <p class="hint">{props.hint}</p>}
      {props.options.map((o) => (
        <label class="check">
          <input type="checkbox" name={props.name} value={o} checked={props.values.includes(o)} />{' '}
          {vocabLabel(o)}
        </label>
      ))}
      {errs.map((e) => (
        <p class="error">{e}</p>
      ))}
    </fieldset>
  );
}

export function Checkbox(props: {
  name: string;
  label: string;
  checked: boolean;
  hint?: string;
  /** Shown beside the box: the field's messages and those of its parts (a policy rule on `emergency.*`). */
  errors?: Errors;
}): Html {
  const errs = props.errors?.under(props.name) ?? [];
  const id = fieldId(props);
  return (
    <div class={`field${errs.length ? ' has-error' : ''}`}>
      <label class="check">
        <input
          type="checkbox"
          id={errs.length ? id : undefined}
          name={props.name}
          value="on"
          checked={props.checked}
          aria-invalid={errs.length ? 'true' : undefined}
          aria-describedby={errs.length ? `${id}-error` : undefined}
        />{' '}
        {props.label}
      </label>
      {props.hint && <p class="hint">{props.hint}</p>}
      {errs.map((e) => (
        <p class="error" id={`${id}-error`}>
          {e}
        </p>
      ))}
    </div>
  );
}

/** The id-bearing fields of one form among several on a page, with ids of the form `f-<form>-<name>`. */
export interface FormFields {
  Input: (p: Omit<Parameters<typeof Input>[0], 'form'>) => Html;
  TextArea: (p: Omit<Parameters<typeof TextArea>[0], 'form'>) => Html;
  Select: (p: Omit<Parameters<typeof Select>[0], 'form'>) => Html;
  /** The id of a field of this form that a page draws itself (a label and a select, say). */
  id: (name: string) => string;
}

export function fieldsFor(form: string): FormFields {
  return {
    Input: (p) => Input({ ...p, form }),
    TextArea: (p) => TextArea({ ...p, form }),
    Select: (p) => Select({ ...p, form }),
    id: (name) => fieldId({ name, form }),
  };
}

/** A summary of every error at the top of a form, linking to each field (for keyboard and screen readers). */
export function ErrorSummary(props: { errors: Errors; message: string }): Html | null {
  if (props.errors.size === 0 && !props.message) return null;
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{props.message}</strong>
      </p>
    </div>
  );
}
