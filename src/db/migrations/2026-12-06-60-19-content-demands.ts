import { sql, type Kysely } from 'kysely';

// Content-restriction demands fully described (issue 19.8, 16.1, 16.2):
// - requests.dsa_keyword: the DSA sub-category (KEYWORD_*) of the order's category, and dsa_keyword_other,
//   what the sub-category "Other" holds (Annex I Part 3 asks for it). Text like dsa_category: which keyword
//   belongs to which category is the intake schema's rule (src/domain/dsa-keywords.ts), not the database's;
// - requests.restriction_basis: whether a demand to restrict cites local law or the provider's own terms, and
//   restriction_law, the law named (for staff, never published);
// - agency_kind gets `executive` and `legislature`: with `court` and the others it is the Santa Clara
//   Principles' type of state actor.
// The values are written out here (migrations never import app code); test/db/vocabulary.test.ts checks them
// against src/domain/vocabulary.ts, in order.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter type agency_kind add value if not exists 'executive' before 'other'`.execute(db);
  await sql`alter type agency_kind add value if not exists 'legislature' before 'other'`.execute(db);
  await sql`create type restriction_basis as enum ('local_law', 'provider_terms', 'not_stated')`.execute(db);
  for (const table of ['requests', 'import_staged_requests']) {
    await sql`
      alter table ${sql.table(table)}
        add column dsa_keyword text check (dsa_keyword ~ '^KEYWORD_[A-Z_]+$'),
        add column dsa_keyword_other text,
        add column restriction_basis restriction_basis,
        add column restriction_law text`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['requests', 'import_staged_requests']) {
    await sql`
      alter table ${sql.table(table)}
        drop column dsa_keyword, drop column dsa_keyword_other, drop column restriction_basis,
        drop column restriction_law`.execute(db);
  }
  await sql`drop type restriction_basis`.execute(db);
  // PostgreSQL cannot drop an enum value; `executive` and `legislature` stay, unused.
}
