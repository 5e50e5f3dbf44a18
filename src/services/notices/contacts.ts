import { fromDatabaseError } from '../../db/errors.ts';
import { accountRef, contactInput } from '../../domain/notice-template.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import {
  findContacts,
  searchContacts as searchContactRows,
  upsertContact,
} from '../../repositories/contacts-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import {
  parseContactsCsv,
  presentContact,
  readContactsFile,
  type ContactFields,
  type ContactRowIn,
  type ContactsCsv,
} from './contacts-csv.ts';
import type { NoticeDeps } from './state.ts';

/** Customer contacts: set one, import a CSV, search, look up. */
export function contactActions(deps: NoticeDeps) {
  const { db, clock } = deps;
  async function importRows(actor: Actor, rows: ContactRowIn[]) {
    const now = clock();
    return db
      .transaction()
      .execute(async (trx) => {
        let changed = 0;
        for (const r of rows) {
          const { before, after } = await upsertContact(trx, r.account, r.contact, now, {
            onlyNew: r.expected === null,
          });
          if (
            !after ||
            (r.expected !== undefined && (before?.updated_at.toISOString() ?? null) !== r.expected)
          ) {
            // Thrown inside the transaction: whatever this call wrote is rolled back.
            const what = r.expected === null ? 'set' : before ? 'changed' : 'removed';
            throw new CandorError(
              'conflict',
              `the contact of ${r.account} was ${what} by someone else meanwhile; reload and try again`,
            );
          }
          if (
            before &&
            before.email === after.email &&
            before.name === after.name &&
            before.language === after.language
          )
            continue;
          changed++;
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'contact.set',
            entity: 'contact',
            entityId: r.account,
            before: before ? presentContact(before) : null,
            after: presentContact(after),
          });
        }
        return changed;
      })
      .catch((e: unknown) => {
        throw fromDatabaseError(e, 'the contact');
      });
  }

  return {
    /**
     * Sets the customer contact of an account (creates or replaces it), checking the fields (`invalid`, with
     * an issue per field). `expected` guards a stale form: the `updated_at` of the contact the caller showed,
     * or null when it showed none; if the contact is not that one any more, `conflict` and nothing changes.
     */
    async setContact(
      actor: Actor,
      account: string,
      input: ContactFields,
      o: { expected?: string | null } = {},
    ) {
      authorize(actor, 'contact.manage');
      const acc = accountRef.safeParse(account);
      const parsed = contactInput.safeParse(input);
      const issues = [
        ...(acc.success ? [] : [{ field: 'account_ref', message: 'expected 1-200 characters' }]),
        ...(parsed.success ? [] : zodIssues(parsed.error.issues)),
      ];
      if (!acc.success || !parsed.success) {
        throw new CandorError(
          'invalid',
          acc.success ? 'the contact is not valid' : 'account: expected 1-200 characters',
          issues,
        );
      }
      await importRows(actor, [{ line: 0, account: acc.data, contact: parsed.data, expected: o.expected }]);
      const [c] = await findContacts(db, [acc.data]);
      return presentContact(c!);
    },

    /**
     * Imports contacts from CSV with the header account_ref,email,name,language (name and language may be
     * empty): a file path, or the text itself (`{ csv, name }`, a paste in the web app). All or nothing: any
     * bad line imports nothing, and every problem names its line and column.
     */
    async importContacts(actor: Actor, from: string | ContactsCsv) {
      authorize(actor, 'contact.manage');
      const source = typeof from === 'string' ? from : (from.name ?? 'the CSV');
      const data = typeof from === 'string' ? await readContactsFile(from) : from.csv;
      const rows = parseContactsCsv(data, source);
      const changed = await importRows(actor, rows);
      return { file: source, rows: rows.length, changed };
    },

    /**
     * Contacts whose account reference starts with `prefix` (exactly, case and all; '' for every contact),
     * in byte order of the reference, `limit` at a time (at most 200); `next` is the `after` of the next
     * page, or null on the last one.
     */
    async searchContacts(actor: Actor, o: { prefix?: string; after?: string; limit?: number } = {}) {
      authorize(actor, 'notice.read');
      const limit = Math.min(Math.max(Math.trunc(o.limit ?? 50), 1), 200);
      const rows = await searchContactRows(db, {
        prefix: o.prefix ?? '',
        after: o.after,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit).map(presentContact);
      return { items, next: rows.length > limit ? items[items.length - 1]!.account_ref : null };
    },

    /** The contacts of these accounts. */
    async contacts(actor: Actor, accounts: string[]) {
      authorize(actor, 'notice.read');
      return (await findContacts(db, accounts)).map(presentContact);
    },
  };
}
