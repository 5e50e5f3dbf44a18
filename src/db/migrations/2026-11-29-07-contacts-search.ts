import { sql, type Kysely } from 'kysely';

// The Contacts page looks contacts up by a prefix of the account reference and pages through them in
// order. The unique index on account_ref has the database's collation, whose order (and whose LIKE) cannot
// serve a prefix range in most locales; in the "C" collation (byte order) every account starting with a
// prefix lies in one range, so a prefix search and its next page read only the rows they show.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index customer_contacts_account_ref_c_idx on customer_contacts (account_ref collate "C")`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index customer_contacts_account_ref_c_idx`.execute(db);
}
