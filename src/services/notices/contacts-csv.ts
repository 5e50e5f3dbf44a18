import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import type { ContactRow } from '../../db/schema.ts';
import { accountRef, contactInput, type ContactInput } from '../../domain/notice-template.ts';
import { CandorError, zodIssues, type FieldIssue } from '../../errors.ts';

export const presentContact = (c: ContactRow) => ({
  account_ref: c.account_ref,
  email: c.email,
  name: c.name,
  language: c.language,
  updated_at: c.updated_at.toISOString(),
});

const IMPORT_HEADER = ['account_ref', 'email', 'name', 'language'] as const;

/** A contact as a caller hands it in, before validation (`language` defaults to `en`). */
export type ContactFields = z.input<typeof contactInput>;

/** One contact to write; `expected` is the `updated_at` the caller saw (null: none yet), for a stale form. */
export interface ContactRowIn {
  line: number;
  account: string;
  contact: ContactInput;
  expected?: string | null;
}

/** CSV text handed in directly (a paste in the web app), named in messages as `name`. */
export interface ContactsCsv {
  csv: string | Uint8Array;
  name?: string;
}

/**
 * Parses and checks a contacts CSV (header account_ref,email,name,language; name and language may be
 * empty, the columns in any order). Throws `invalid` with every problem, each naming its line and column,
 * so that nothing is imported unless everything can be. `source` names the file or paste in messages.
 */
export function parseContactsCsv(data: string | Uint8Array, source: string): ContactRowIn[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse(typeof data === 'string' ? data : Buffer.from(data), {
      columns: (h: string[]) => {
        const header = h.map((c) => c.trim());
        const unknown = header.filter((c) => !(IMPORT_HEADER as readonly string[]).includes(c));
        const lacking = ['account_ref', 'email'].filter((c) => !header.includes(c));
        if (unknown.length || lacking.length) {
          throw new CandorError('invalid', `${source}: the header must be ${IMPORT_HEADER.join(',')}`, [
            ...unknown.map((c) => ({ line: 1, field: c, message: 'unknown column' })),
            ...lacking.map((c) => ({ line: 1, field: c, message: 'missing column' })),
          ]);
        }
        return header;
      },
      bom: true,
      info: true,
      skip_empty_lines: true,
    });
  } catch (e) {
    if (e instanceof CandorError) throw e;
    const err = e as { message?: string };
    throw new CandorError('invalid', `${source}: not a readable CSV file (${err.message ?? String(e)})`);
  }
  const issues: FieldIssue[] = [];
  const seen = new Map<string, number>();
  const rows: ContactRowIn[] = [];
  for (const { record, info } of records) {
    const line = info.lines;
    const acc = accountRef.safeParse(record.account_ref ?? '');
    if (!acc.success) issues.push({ line, field: 'account_ref', message: 'expected 1-200 characters' });
    const parsed = contactInput.safeParse({
      email: record.email ?? '',
      name: record.name?.trim() ? record.name : null,
      language: record.language?.trim() ? record.language : undefined,
    });
    if (!parsed.success) {
      for (const i of zodIssues(parsed.error.issues)) {
        issues.push({ ...i, line, value: record[i.field] });
      }
    }
    if (acc.success) {
      const first = seen.get(acc.data);
      if (first !== undefined) {
        issues.push({
          line,
          field: 'account_ref',
          message: `the same account as line ${first}`,
          value: acc.data,
        });
      }
      seen.set(acc.data, line);
    }
    if (acc.success && parsed.success) rows.push({ line, account: acc.data, contact: parsed.data });
  }
  if (issues.length > 0) {
    throw new CandorError('invalid', `${source}: ${issues.length} problem(s); nothing was imported`, issues);
  }
  return rows;
}

/** The bytes of a contacts file; `not_found` when there is no such file. */
export async function readContactsFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    const err = e as { message?: string; code?: string };
    if (err.code === 'ENOENT') throw new CandorError('not_found', `${file}: no such file`);
    throw new CandorError('invalid', `${file}: not a readable CSV file (${err.message ?? String(e)})`);
  }
}
