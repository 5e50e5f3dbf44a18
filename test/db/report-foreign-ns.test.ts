import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForeignNsConfig } from '../../src/domain/foreign-national-security.ts';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { diffReports } from '../../src/reports/diff.ts';
import { renderFiles } from '../../src/reports/files.ts';
import { prepareRequest, writeRequests } from '../../src/services/requests.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * Issue 19.3: a foreign national-security order (e.g. a UK Investigatory Powers Act warrant) is not FISA. It
 * never counts in the NSL/FISA bands nor in any exact table, and appears only in bands per jurisdiction the
 * provider configured (CANDOR_FOREIGN_NS); with nothing configured, not at all.
 */

let t: TestDb;
const NOW = new Date('2024-09-01T00:00:00Z');
const GB = { name: 'Home Office', kind: 'intelligence', level: 'national', country: 'GB' } as const;
const FR = {
  name: 'Direction générale de la sécurité intérieure',
  kind: 'intelligence',
  level: 'national',
  country: 'FR',
} as const;

beforeAll(async () => {
  t = await testDatabase();
  // Ordinary requests, some from the same countries, so every exact table has figures.
  await load([
    ...Array.from({ length: 6 }, (_, i) => requestFactory({ received_at: `2024-0${1 + i}-10T10:00:00Z` })),
    requestFactory({ received_at: '2024-03-10T10:00:00Z', agency: GB, process_type: 'police_force_order' }),
    requestFactory({ received_at: '2024-04-10T10:00:00Z', agency: FR, process_type: 'police_force_order' }),
    // One national-security letter, so the 1874 band is computed over something.
    requestFactory({
      received_at: '2024-05-10T10:00:00Z',
      process_type: 'national_security_letter',
      case_class: 'national_security',
      data_sought: ['non_content'],
    }),
  ]);
});
afterAll(async () => t?.close());

async function load(inputs: RequestInput[]) {
  await t.db.transaction().execute(async (trx) => {
    await writeRequests(
      trx,
      inputs.map((i) => prepareRequest(requestInput.parse(i), NOW)),
    );
  });
}

/**
 * Exactly `n` foreign national-security orders from the UK and `fr` from France, of every shape an exact table
 * would pick up: emergencies, preservation and takedown demands, an EU Member State (the DSA table), a civil
 * litigant, content and non-content sought, accounts named.
 */
async function setForeignOrders(n: number, fr = 0) {
  await sql`delete from requests where process_type = 'foreign_national_security_order'`.execute(t.db);
  const shapes: Array<Partial<RequestInput>> = [
    { data_sought: ['content'], channel: 'executive_agreement' },
    { emergency: true, emergency_basis: 'Imminent threat to life' },
    { demand_kind: 'preserve', data_sought: [] },
    { demand_kind: 'restrict_content', data_sought: [] },
    { requester_class: 'civil_litigant' },
    {
      outcome: 'non_content_produced',
      responded_at: '2024-06-20T10:00:00Z',
      notice_status: 'not_applicable',
    },
  ];
  const order = (agency: typeof GB | typeof FR, i: number) =>
    requestFactory({
      external_ref: `IPA-${agency.country}-${n}-${i}`,
      received_at: `2024-0${1 + (i % 6)}-15T10:00:00Z`,
      agency,
      process_type: 'foreign_national_security_order',
      case_class: 'national_security',
      accounts: [`FNS-ACCOUNT-${agency.country}-${i}`],
      ...shapes[i % shapes.length],
    });
  await load([
    ...Array.from({ length: n }, (_, i) => order(GB, i)),
    ...Array.from({ length: fr }, (_, i) => order(FR, i)),
  ]);
}

const report = (foreignNs?: ForeignNsConfig) =>
  computeReport(t.db, {
    period: '2024-H1',
    provider: { name: 'Example Inc.' },
    nsOption: 'a3',
    publicationDate: '2024-07-01',
    dsaAppliesFrom: '2024-01-01',
    now: NOW,
    foreignNs,
  });

describe('foreign national-security orders in a report', () => {
  it('with nothing configured, change no byte of any file, and no file mentions them', async () => {
    await setForeignOrders(0);
    const zero = await renderFiles(await report());
    await setForeignOrders(7, 2);
    const data = await report();
    expect(data.tables.foreign_national_security).toBeUndefined();
    const seven = await renderFiles(data);
    expect([...seven.keys()]).toEqual([...zero.keys()]);
    for (const [path, bytes] of zero) {
      expect(seven.get(path)?.equals(bytes), path).toBe(true);
      if (!path.endsWith('.pdf'))
        expect(bytes.toString('utf8'), path).not.toMatch(/foreign.national.security/i);
    }
  });

  it('are in no exact table and not in the NSL/FISA bands: only their own band moves', async () => {
    const config = { GB: { mode: 'banded', width: 10 }, FR: { mode: 'none' } } as const;
    await setForeignOrders(0);
    const zero = await report(config);
    expect(zero.tables.foreign_national_security).toEqual({
      entries: [
        {
          jurisdiction: 'GB',
          jurisdiction_name: 'United Kingdom',
          band_width: 10,
          requests: { low: 0, high: 9 },
        },
      ],
    });
    expect(zero.tables.national_security?.entries[0]?.requests).toEqual({ low: 0, high: 249 });
    // 9 orders: the same band as none at all, so the same report to the last cell.
    await setForeignOrders(9, 3);
    expect(diffReports(zero, await report(config))).toEqual([]);
    // 13: only the UK band moves; France (configured none) is nowhere, however many came.
    await setForeignOrders(13, 30);
    const data = await report(config);
    expect(diffReports(zero, data).map((c) => [c.table, c.key, c.before, c.after])).toEqual([
      ['foreign_national_security', 'GB.requests.low', 0, 10],
      ['foreign_national_security', 'GB.requests.high', 9, 19],
    ]);
    const files = await renderFiles(data);
    for (const [path, bytes] of files) {
      if (path.endsWith('.pdf')) continue;
      expect(bytes.toString('utf8'), path).not.toMatch(/IPA-|FNS-ACCOUNT/);
    }
    // Every reader format says the UK band (France, configured none, is not a row: the diff above).
    for (const path of ['report.txt', 'report.md', 'report.html']) {
      const text = files.get(path)!.toString('utf8');
      expect(text, path).toMatch(/Foreign national-security orders/);
      expect(text, path).toMatch(/United Kingdom[^\n]*10 - 19/);
    }
    expect(files.get('report.csv')!.toString('utf8')).toContain(
      'foreign_national_security,jurisdiction,GB,,,requests_low,10\r\n',
    );
  });
});

describe('a correction that moves requests into or out of foreign national-security process', () => {
  let s: Services;
  const clock = testClock('2019-01-10T10:00:00Z');
  const admin = actor('admin');
  const publisher = actor('publisher');
  const ids: number[] = [];
  const correction = { why: 'A request was recorded with the wrong type', method: 'Recomputed' };
  const retype = async (id: number, process_type: string) => {
    const r = await s.requests.get(admin, id);
    return s.requests.update(admin, id, r.version, { process_type });
  };

  beforeAll(async () => {
    s = servicesFor(t, clock);
    for (const day of ['10', '11', '12']) {
      const r = await s.requests.create(
        admin,
        requestInput.parse(
          requestFactory({
            received_at: `2019-01-${day}T09:00:00Z`,
            agency: GB,
            process_type: 'police_force_order',
          }),
        ),
      );
      ids.push(r.id);
    }
    clock.set('2019-08-01T10:00:00Z');
    await s.reports.freeze(publisher, '2019-H1');
  });

  it('is refused like a move into NSL or FISA process, and the PATCH restricts the request', async () => {
    const moved = await retype(ids[0]!, 'foreign_national_security_order');
    expect(moved.restricted).toBe(true);
    await expect(s.reports.correct(publisher, '2019-H1', correction)).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringMatching(
        /reveal that 1 request moved into national-security process since version 1/,
      ),
    });
  });

  it('counts a move between NSL and foreign national-security process as no move (no exact table changes)', async () => {
    await retype(ids[0]!, 'national_security_letter');
    await expect(s.reports.correct(publisher, '2019-H1', correction)).rejects.toMatchObject({
      message: expect.stringMatching(/1 request moved into national-security process/),
    });
    await retype(ids[0]!, 'police_force_order');
    await retype(ids[1]!, 'foreign_national_security_order');
    await retype(ids[1]!, 'police_force_order');
    // Back where version 1 was: nothing moved, nothing changed.
    await expect(s.reports.correct(publisher, '2019-H1', correction)).rejects.toMatchObject({
      message: expect.stringMatching(/nothing changed/),
    });
  });
});

describe('the import door', () => {
  it('records a foreign national-security order restricted, and refuses to unrestrict it, naming the line', async () => {
    const s = servicesFor(t);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-fns-'));
    const write = (name: string, restricted: string) => {
      const r = {
        ...requestToRow(
          requestInput.parse(
            requestFactory({
              external_ref: `IPA-IMPORT-${name}`,
              received_at: '2020-02-03T10:00:00Z',
              agency: GB,
              process_type: 'foreign_national_security_order',
            }),
          ),
        ),
        restricted,
      } as Record<string, string>;
      const p = path.join(dir, `${name}.csv`);
      writeFileSync(
        p,
        `${IMPORT_COLUMNS.join(',')}\r\n${IMPORT_COLUMNS.map((c) => r[c] ?? '').join(',')}\r\n`,
      );
      return p;
    };
    await expect(s.imports.importFile(actor('handler'), write('open', 'false'))).rejects.toMatchObject({
      message: expect.stringMatching(/nothing was imported/),
      issues: [
        expect.objectContaining({
          line: 2,
          field: 'restricted',
          message: expect.stringMatching(/foreign_national_security_order .*always restricted/),
        }),
      ],
    });
    expect((await s.imports.importFile(actor('handler'), write('ok', ''))).created).toBe(1);
    const row = await sql<{ restricted: boolean }>`
      select restricted from requests where external_ref = 'IPA-IMPORT-ok'`.execute(t.db);
    expect(row.rows).toEqual([{ restricted: true }]);
  });
});
