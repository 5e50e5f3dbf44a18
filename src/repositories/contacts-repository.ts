/** Customer contacts (who a notice goes to) and notice templates: the rows the notice services read and edit. */

import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { ContactRow, NoticeTemplateRow } from '../db/schema.ts';
import type { NoticeKind } from '../domain/notice-policy.ts';
import type { ContactInput, TemplateInput } from '../domain/notice-template.ts';

export async function findContacts(db: Db, accounts: readonly string[]): Promise<ContactRow[]> {
  if (accounts.length === 0) return [];
  return db.selectFrom('customer_contacts').selectAll().where('account_ref', 'in', accounts).execute();
}

/**
 * The smallest string greater, in byte order, than every string that starts with `prefix`; null when there
 * is none (a prefix of only U+10FFFF). Byte order of UTF-8 is code point order, so this bumps the last code
 * point (skipping the surrogates, which are not characters) and drops those that cannot be bumped.
 */
export function prefixEnd(prefix: string): string | null {
  const cps = [...prefix].map((ch) => ch.codePointAt(0)!);
  while (cps.length > 0) {
    let last = cps.pop()! + 1;
    if (last === 0xd800) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...cps, last);
  }
  return null;
}

/**
 * Contacts whose account reference starts with `prefix` (exactly; '' for all), in byte order of the
 * reference, after the reference `after` (keyset), at most `limit`. Reads only the rows it returns, through
 * customer_contacts_account_ref_c_idx: the range [prefix, prefixEnd(prefix)) in the "C" collation.
 */
export function searchContactsQuery(db: Db, o: { prefix: string; after?: string; limit: number }) {
  const ref = sql<string>`account_ref collate "C"`;
  const end = prefixEnd(o.prefix);
  let q = db.selectFrom('customer_contacts').selectAll();
  if (o.prefix) q = q.where(ref, '>=', o.prefix);
  if (o.prefix && end !== null) q = q.where(ref, '<', end);
  if (o.after !== undefined) q = q.where(ref, '>', o.after);
  return q.orderBy(ref).limit(o.limit);
}

/** The rows of `searchContactsQuery`. */
export function searchContacts(
  db: Db,
  o: { prefix: string; after?: string; limit: number },
): Promise<ContactRow[]> {
  return searchContactsQuery(db, o).execute();
}

/**
 * Creates or replaces the contact of an account; returns the row before (if any) and after. With
 * `onlyNew`, an existing contact is left as it is and `after` is undefined (someone set it meanwhile).
 */
export async function upsertContact(
  db: Db,
  account: string,
  c: ContactInput,
  now: Date,
  o: { onlyNew?: boolean } = {},
): Promise<{ before: ContactRow | undefined; after: ContactRow | undefined }> {
  const before = await db
    .selectFrom('customer_contacts')
    .selectAll()
    .where('account_ref', '=', account)
    .forUpdate()
    .executeTakeFirst();
  if (before && o.onlyNew) return { before, after: undefined };
  const values = { email: c.email, name: c.name ?? null, language: c.language, updated_at: now };
  const after = await db
    .insertInto('customer_contacts')
    .values({ account_ref: account, ...values })
    .onConflict((oc) =>
      o.onlyNew ? oc.column('account_ref').doNothing() : oc.column('account_ref').doUpdateSet(values),
    )
    .returningAll()
    .executeTakeFirst();
  return { before, after };
}

export function listTemplates(db: Db): Promise<NoticeTemplateRow[]> {
  return db.selectFrom('notice_templates').selectAll().orderBy('kind').orderBy('language').execute();
}

/** The template of a kind in the first of these languages that has one. */
export async function findTemplate(
  db: Db,
  kind: NoticeKind,
  languages: readonly string[],
): Promise<NoticeTemplateRow | undefined> {
  const rows = await db
    .selectFrom('notice_templates')
    .selectAll()
    .where('kind', '=', kind)
    .where('language', 'in', languages)
    .execute();
  return languages.map((l) => rows.find((r) => r.language === l)).find((r) => r !== undefined);
}

/** Creates or replaces a template, bumping its version. */
export async function upsertTemplate(
  db: Db,
  kind: NoticeKind,
  language: string,
  t: TemplateInput,
  by: string,
  now: Date,
): Promise<{ before: NoticeTemplateRow | undefined; after: NoticeTemplateRow }> {
  const before = await db
    .selectFrom('notice_templates')
    .selectAll()
    .where('kind', '=', kind)
    .where('language', '=', language)
    .forUpdate()
    .executeTakeFirst();
  const after = await db
    .insertInto('notice_templates')
    .values({ kind, language, subject: t.subject, body: t.body, updated_by: by, updated_at: now })
    .onConflict((oc) =>
      oc.columns(['kind', 'language']).doUpdateSet({
        subject: t.subject,
        body: t.body,
        updated_by: by,
        updated_at: now,
        version: sql`notice_templates.version + 1`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return { before, after };
}
