import type { Db } from '../db/connect.ts';

/** Frozen report versions: insert and read only (the table refuses UPDATE and DELETE). */

export interface NewVersion {
  period: string;
  number: number;
  frozen_at: Date;
  audit_head: string | null;
  data: unknown;
  file_hashes: Record<string, string>;
  change: { what: string; why: string; method: string; date: string } | null;
}

export async function insertVersion(db: Db, v: NewVersion): Promise<void> {
  await db
    .insertInto('report_versions')
    .values({
      period: v.period,
      number: v.number,
      frozen_at: v.frozen_at,
      audit_head: v.audit_head,
      data: JSON.stringify(v.data),
      file_hashes: JSON.stringify(v.file_hashes),
      change_what: v.change?.what ?? null,
      change_why: v.change?.why ?? null,
      change_method: v.change?.method ?? null,
      change_date: v.change?.date ?? null,
    })
    .execute();
}

const columns = ['period', 'number', 'frozen_at', 'audit_head', 'data', 'file_hashes'] as const;

/** A frozen version as stored; `data` is the report JSON, parsed against its schema by the caller. */
export interface StoredVersion {
  period: string;
  number: number;
  frozen_at: Date;
  audit_head: string | null;
  data: unknown;
  file_hashes: Record<string, string>;
}

/** Versions of one period (or of all periods), by period and number. */
export async function listVersions(db: Db, period?: string): Promise<StoredVersion[]> {
  let q = db.selectFrom('report_versions').select(columns);
  if (period) q = q.where('period', '=', period);
  const rows = await q.orderBy('period').orderBy('number').execute();
  return rows;
}

export async function findVersion(
  db: Db,
  period: string,
  number: number,
): Promise<StoredVersion | undefined> {
  const r = await db
    .selectFrom('report_versions')
    .select(columns)
    .where('period', '=', period)
    .where('number', '=', number)
    .executeTakeFirst();
  return r;
}

export async function latestVersion(db: Db, period: string): Promise<StoredVersion | undefined> {
  const r = await db
    .selectFrom('report_versions')
    .select(columns)
    .where('period', '=', period)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r;
}
