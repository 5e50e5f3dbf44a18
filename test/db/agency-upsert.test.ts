import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from '../../src/db/pg.ts';
import type { Database } from '../../src/db/schema.ts';
import { upsertAgency } from '../../src/repositories/requests-repository.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());

const agency = (name: string) => ({
  name,
  kind: 'law_enforcement' as const,
  level: 'state' as const,
  country: 'US',
  subdivision: 'US-CA',
});

describe('finding or creating an agency', () => {
  it('creates it once and finds it after', async () => {
    const a = await upsertAgency(t.db, agency('Upsert Police'));
    expect(await upsertAgency(t.db, agency('Upsert Police'))).toBe(a);
    expect(await upsertAgency(t.db, { ...agency('Upsert Police'), subdivision: null })).not.toBe(a);
  });

  it('finds the agency another transaction created while this one waited for it', async () => {
    // A second pool, logging what the waiting side sends.
    const sent: string[] = [];
    const other = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ ...t.pgConfig, max: 1 }) }),
      log: (e) => {
        sent.push(e.query.sql);
      },
    });
    try {
      let created!: () => void;
      const inserted = new Promise<void>((resolve) => (created = resolve));
      const first = t.db.transaction().execute(async (trx) => {
        const id = await upsertAgency(trx, agency('Raced Sheriff'));
        created();
        await new Promise((r) => setTimeout(r, 300)); // the other insert waits on this row meanwhile
        return id;
      });
      await inserted;
      // On PostgreSQL this statement's snapshot predates the first commit: its insert waits, then does
      // nothing, and its own select cannot see the row; the look-up after it does. (PGlite runs one
      // session at a time, so there the second simply comes after the first.)
      const second = upsertAgency(other, agency('Raced Sheriff'));
      const [a, b] = await Promise.all([first, second]);
      expect(b).toBe(a);
      if (t.engine === 'postgres') expect(sent).toHaveLength(2);
    } finally {
      await other.destroy();
    }
  });
});
