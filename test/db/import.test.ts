import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { CandorError } from '../../src/errors.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
let s: Services;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-import-'));
const handler = actor('handler');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t);
});
afterAll(async () => t?.close());

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
function csv(rows: Array<Record<string, string>>, columns: readonly string[] = IMPORT_COLUMNS): string {
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','))].join('\r\n') +
    '\r\n'
  );
}
const row = (over: Partial<Parameters<typeof requestFactory>[0]> = {}) =>
  requestToRow(requestInput.parse(requestFactory(over)));
function file(name: string, content: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}
const countRequests = async () =>
  (
    await t.db
      .selectFrom('requests')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()
  ).n;

async function importError(p: string): Promise<CandorError> {
  try {
    await s.imports.importFile(handler, p);
  } catch (e) {
    if (e instanceof CandorError) return e;
    throw e;
  }
  throw new Error('expected the import to fail');
}

describe('bulk import', () => {
  it('imports a CSV with quoted commas, newlines and lists, and re-importing it adds nothing', async () => {
    const rows = [
      row({ notes: 'line one\nline two, with a comma and "quotes"', accounts: ['ACa', 'ACb'] }),
      row({ identifiers: [{ value: '+15550001111', account: 'ACa' }], ndo: { expires_at: null } }),
      row({ outcome: 'content_produced', responded_at: '2026-02-01', process_type: 'search_warrant' }),
    ];
    const p = file('three.csv', csv(rows));
    const before = await countRequests();
    const first = await s.imports.importFile(handler, p);
    expect(first).toMatchObject({ rows: 3, created: 3, unchanged: 0 });
    expect(await countRequests()).toBe(before + 3);
    const again = await s.imports.importFile(handler, p);
    expect(again).toMatchObject({ rows: 3, created: 0, unchanged: 3 });
    expect(await countRequests()).toBe(before + 3);
    const id = await s.requests.findIdByRef(handler, rows[0]!.external_ref);
    const got = await s.requests.get(handler, id!);
    expect(got.notes).toBe('line one\nline two, with a comma and "quotes"');
    expect(got.accounts_specified).toBe(2);
  });

  it('imports JSON Lines with the same keys', async () => {
    const rows = [row(), row()];
    const p = file('two.jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(await s.imports.importFile(handler, p)).toMatchObject({ rows: 2, created: 2 });
  });

  it('refuses a file with bad rows, names every one, and imports nothing', async () => {
    const good = row();
    const bad1 = { ...row(), agency_kind: 'police' };
    const bad2 = { ...row(), received_at: '31/12/2025', country: 'USA' };
    const p = file('bad.csv', csv([good, bad1, good === bad1 ? good : row(), bad2]));
    const before = await countRequests();
    const e = await importError(p);
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(/2 of 4 rows are invalid; nothing was imported/);
    expect(e.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, field: 'agency_kind', value: 'police' }),
        expect.objectContaining({ line: 5, field: 'received_at', value: '31/12/2025' }),
        expect.objectContaining({ line: 5, field: 'country', value: 'USA' }),
      ]),
    );
    expect(e.issues.find((i) => i.field === 'agency_kind')?.message).toMatch(/law_enforcement/);
    expect(await countRequests()).toBe(before);
    expect(await s.requests.findIdByRef(handler, good.external_ref)).toBeUndefined();
  });

  it('runs the policy gate on every row: notice sent under a 2705(b) order to 2099 is refused by line', async () => {
    const gagged = {
      ...row({
        process_type: 'grand_jury_subpoena',
        outcome: 'non_content_produced',
        responded_at: '2026-01-20',
      }),
      notice_status: 'sent',
      ndo_authority: 'sca_2705b',
      ndo_expires_at: '2099-01-01',
    };
    const content = row({
      process_type: 'subpoena',
      agency: { name: 'A litigant', kind: 'other', level: 'state', country: 'US' },
      requester_class: 'civil_litigant',
      outcome: 'content_produced',
      responded_at: '2026-01-20',
    });
    const before = await countRequests();
    const e = await importError(file('gate.csv', csv([row(), gagged, content])));
    expect(e.message).toMatch(/2 of 3 rows are invalid/);
    expect(e.issues.map((i) => [i.line, i.field, i.message.split(':')[0]])).toEqual([
      [3, 'notice_status', 'notice_held'],
      [4, 'outcome', 'civil_litigant_content'],
    ]);
    expect(e.issues[1]?.message).toMatch(/no role may override/);
    expect(await countRequests()).toBe(before);
  });

  it('accepts history past a policy tier or rule only with an override_reason, audited and counted; never a bar', async () => {
    const columns = [...IMPORT_COLUMNS, 'override_reason'];
    const reason = 'Recorded in the old system in 2019; the notice went before the order was served';
    const gagged = {
      ...row({
        process_type: 'grand_jury_subpoena',
        outcome: 'non_content_produced',
        responded_at: '2026-01-20',
      }),
      notice_status: 'sent',
      ndo_authority: 'sca_2705b',
      ndo_expires_at: '2099-01-01',
      override_reason: reason,
    };
    const approver = actor('approver');
    // A handler may not bring overrides in; an approver may.
    const asHandler = await importError(file('history-h.csv', csv([gagged], columns)));
    expect(asHandler.issues[0]?.message).toMatch(/needs an approver/);
    const r = await s.imports.importFile(approver, file('history.csv', csv([row(), gagged], columns)));
    expect(r).toMatchObject({ created: 2, overrides: 1 });
    const id = (await s.requests.findIdByRef(handler, gagged.external_ref))!;
    const kept = await t.db
      .selectFrom('history_overrides')
      .selectAll()
      .where('request_id', '=', id)
      .execute();
    expect(kept).toMatchObject([{ rules: ['notice_held'], reason, line: 3, source: 'history.csv' }]);
    const barred = {
      ...row({
        process_type: 'police_force_order',
        agency: { name: 'Polizei', kind: 'law_enforcement', level: 'national', country: 'DE' },
        outcome: 'content_produced',
        responded_at: '2026-01-20',
      }),
      override_reason: reason,
    };
    const e = await importError(file('barred.csv', csv([barred], columns)));
    expect(e.issues.map((i) => [i.line, i.field, i.message.split(':')[0]])).toEqual([
      [2, 'channel', 'foreign_content_channel'],
    ]);
  });

  it('refuses a file that repeats an external_ref, naming both lines', async () => {
    const r = row();
    const e = await importError(file('dup.csv', csv([r, row(), r])));
    expect(e.issues[0]).toMatchObject({ line: 4, field: 'external_ref' });
    expect(e.issues[0]?.message).toMatch(/line 2/);
  });

  it('refuses unknown and missing columns in the header', async () => {
    const e = await importError(
      file('header.csv', 'external_ref,recieved_at,agency_name\r\nX,2020-01-01,Y\r\n'),
    );
    const fields = e.issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['recieved_at', 'received_at', 'process_type']));
  });

  it('refuses malformed CSV with the line', async () => {
    const text = csv([row()]) + '"unterminated,quote\r\n';
    const e = await importError(file('broken.csv', text));
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(/not valid CSV/);
  });

  it('refuses broken JSON Lines naming the line', async () => {
    const e = await importError(file('broken.jsonl', JSON.stringify(row()) + '\n{"external_ref": \n'));
    expect(e.issues[0]?.line).toBe(2);
  });

  it('rolls back earlier batches when the database refuses a later row', async () => {
    // A constraint only the database knows, so the row passes validation and fails in the write pass.
    await sql`alter table requests add constraint test_refuse_zzz check (external_ref not like 'ZZZ%')`.execute(
      t.db,
    );
    try {
      const rows = [row(), row(), { ...row(), external_ref: 'ZZZ-late' }];
      const before = await countRequests();
      let err: unknown;
      try {
        await s.imports.importFile(handler, file('late.csv', csv(rows)), { batchSize: 1 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CandorError);
      expect((err as CandorError).code).toBe('invalid');
      expect((err as CandorError).message).toMatch(/test_refuse_zzz/);
      expect(await countRequests()).toBe(before);
      expect(await s.requests.findIdByRef(handler, rows[0]!.external_ref)).toBeUndefined();
    } finally {
      await sql`alter table requests drop constraint test_refuse_zzz`.execute(t.db);
    }
  });

  it('writes one audit event per import with the file hash', async () => {
    const p = file('audited.csv', csv([row()]));
    const r = await s.imports.importFile(handler, p);
    const ev = await t.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'request.import')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(ev.after).toMatchObject({ sha256: r.sha256, rows: 1, created: 1 });
  });
});
