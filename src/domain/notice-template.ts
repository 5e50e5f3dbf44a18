import { z } from 'zod';
import type { DataSought, Outcome } from './vocabulary.ts';

/**
 * Notice templates. A notice is rendered only from facts of the record (who asked, under what process,
 * when, what was produced, which account) through a tiny placeholder language. Free text a handler typed
 * (notes, the emergency basis, the legal authority) is deliberately not a placeholder: it was never reviewed
 * for a customer's eyes and may name an investigation.
 */

export { NOTICE_KINDS } from './vocabulary.ts';

/** Every placeholder a template may use, and what it stands for. */
export const PLACEHOLDERS = {
  agency: 'the requesting agency and its country, e.g. "Federal Bureau of Investigation (US)"',
  process_type: 'the kind of legal process, e.g. "Search warrant"',
  received_date: 'the day the request was received (UTC), e.g. "2026-01-10"',
  produced: 'what was disclosed about the account',
  account: 'the account the notice is about',
  provider: 'our name (CANDOR_PROVIDER_NAME)',
  act_by:
    'the day (UTC) by which the customer should act before we produce, e.g. "2026-01-17" (policy notice.actByDaysBeforeProduction before the response deadline)',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;
export type NoticeFacts = Record<Placeholder, string>;

const TOKEN = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** What is wrong with a template text: unknown placeholders and stray braces. Empty = fine. */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (!(m[1]! in PLACEHOLDERS)) {
      problems.push(
        `unknown placeholder {{${m[1]}}}; use one of ${Object.keys(PLACEHOLDERS)
          .map((p) => `{{${p}}}`)
          .join(', ')}`,
      );
    }
  }
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('unbalanced "{{" or "}}"');
  return problems;
}

/**
 * Fills the placeholders in one pass, so a value that itself looks like a placeholder (an agency named
 * "{{account}}") is printed as it is, never expanded.
 */
export function renderTemplate(text: string, facts: NoticeFacts): string {
  return text.replace(TOKEN, (whole, name: string) =>
    name in PLACEHOLDERS ? facts[name as Placeholder] : whole,
  );
}

/** A subject is one header line: any line break or control character a fact brought in becomes a space. */
export const oneLine = (s: string) =>
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we remove
  s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

/** What was disclosed about one account, in words a customer understands. */
export function producedPhrase(
  outcome: Outcome | null,
  accountResult: string | null,
  dataSought: readonly DataSought[],
): string {
  if (accountResult === 'no_data') return 'nothing: we found no data for this account';
  if (accountResult === 'not_produced') return 'nothing about this account';
  switch (outcome) {
    case null:
      return 'nothing yet';
    case 'content_produced':
      return 'the content of communications and records about the account';
    case 'non_content_produced':
      return dataSought.length === 1 && dataSought[0] === 'basic_subscriber'
        ? 'basic subscriber information (such as name, address, and dates and types of service)'
        : 'records about the account, such as subscriber and connection records (no content)';
    case 'content_restricted':
      return 'no data; access to content of the account was restricted';
    case 'preserved':
      return 'no data; records were preserved pending legal process';
    default:
      return 'nothing';
  }
}

/** A BCP 47 language tag as we store it: lower-case language, optional subtags ("en", "pt-BR"). */
export const languageTag = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'expected a BCP 47 language tag such as "en" or "pt-BR"');

/** The template languages to try for a contact's language, most specific first, English last. */
export function languageFallbacks(language: string): string[] {
  const parts = language.split('-');
  const tags = parts.map((_, i) => parts.slice(0, parts.length - i).join('-'));
  return [...new Set([...tags, 'en'])];
}

/** A template as an admin saves it; placeholders are checked here, once, for every door. */
export const templateInput = z.strictObject({
  subject: z
    .string()
    .trim()
    .min(1)
    .max(300)
    // eslint-disable-next-line no-control-regex -- a subject is one header line
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a subject is one line, without control characters')
    .superRefine((s, ctx) =>
      templateProblems(s).forEach((message) => ctx.addIssue({ code: 'custom', message })),
    ),
  body: z
    .string()
    .min(1)
    .max(20_000)
    .refine((s) => s.trim().length > 0, 'the body is empty')
    .superRefine((s, ctx) =>
      templateProblems(s).forEach((message) => ctx.addIssue({ code: 'custom', message })),
    ),
});
export type TemplateInput = z.infer<typeof templateInput>;

/** A customer contact for an account. */
export const contactInput = z.strictObject({
  email: z
    .string()
    .trim()
    .max(320)
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'expected an email address such as ana@example.com'),
  name: z.string().trim().min(1).max(200).nullish(),
  language: languageTag.default('en'),
});
export type ContactInput = z.infer<typeof contactInput>;

/** An account reference as the request targets store it. */
export const accountRef = z.string().trim().min(1).max(200);
