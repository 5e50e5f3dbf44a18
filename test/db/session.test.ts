import { sql } from 'kysely';
import pg from '../../src/db/pg.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase, type TestDb } from '../helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());

const client = async () => {
  const c = new pg.Client(t.pgConfig);
  await c.connect();
  return c;
};
const agency = (name: string) =>
  `insert into agencies (name, kind, level, country) values ('${name}', 'court', 'federal', 'US')`;
const count = async (c: pg.Client, name: string) =>
  Number((await c.query('select count(*) as n from agencies where name = $1', [name])).rows[0].n);

describe('one database, many clients', () => {
  it("never runs another client's statement inside a transaction in progress", async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('begin');
      await a.query(agency('Rolled back court'));
      // b writes while a's transaction is open: on PGlite it must wait for a's transaction to end, on
      // PostgreSQL it runs beside it; either way it must not land inside a's transaction.
      const bWrite = b.query(agency('Committed court'));
      await new Promise((r) => setTimeout(r, 150));
      await a.query('rollback');
      await bWrite;
      const c = await client();
      expect(await count(c, 'Rolled back court')).toBe(0);
      expect(await count(c, 'Committed court')).toBe(1);
      await c.end();
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('does not let another client see uncommitted rows', async () => {
    const a = await client();
    const b = await client();
    try {
      await a.query('begin');
      await a.query(agency('Invisible court'));
      const seen = count(b, 'Invisible court');
      await new Promise((r) => setTimeout(r, 100));
      await a.query('rollback');
      expect(await seen).toBe(0);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('keeps concurrent parameterised queries of many clients apart', async () => {
    const pool = new pg.Pool({ ...t.pgConfig, max: 8 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          pool.query<{ v: number; s: string }>('select $1::int * 2 as v, $2::text as s', [i, `q${i}`]),
        ),
      );
      results.forEach((r, i) => {
        expect(r.rows[0]).toEqual({ v: i * 2, s: `q${i}` });
      });
    } finally {
      await pool.end();
    }
  });

  it('rolls back the open transaction of a client that disconnects', async () => {
    const a = await client();
    await a.query('begin');
    await a.query(agency('Abandoned court'));
    await a.end();
    const b = await client();
    expect(await count(b, 'Abandoned court')).toBe(0);
    await b.query(agency('After abandon'));
    expect(await count(b, 'After abandon')).toBe(1);
    await b.end();
  });

  it('serves Kysely transactions from several pool clients without mixing them', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        t.db.transaction().execute(async (trx) => {
          await sql.raw(agency(`Tx court ${i}`)).execute(trx);
          if (i % 2) throw new Error('roll back');
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(5);
    const rows = await t.db
      .selectFrom('agencies')
      .select('name')
      .where('name', 'like', 'Tx court %')
      .execute();
    expect(rows.map((r) => r.name).sort()).toEqual([
      'Tx court 0',
      'Tx court 2',
      'Tx court 4',
      'Tx court 6',
      'Tx court 8',
    ]);
  });
});
