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

/** Inserts a version and the bytes of the files it was frozen with. */
export async function insertVersion(
  db: Db,
  v: NewVersion,
  files?: ReadonlyMap<string, Buffer>,
): Promise<void> {
  const { id } = await db
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
    .returning('id')
    .executeTakeFirstOrThrow();
  if (files?.size) {
    await db
      .insertInto('report_version_files')
      .values([...files].map(([name, bytes]) => ({ version_id: id, name, bytes })))
      .execute();
  }
}

/**
 * The files each of these versions was frozen with, by `period/number` and file name (empty for versions
 * frozen before the files were kept: those are rendered again and checked against their hashes).
 */
export async function findVersionFiles(
  db: Db,
  versions: ReadonlyArray<{ period: string; number: number }>,
): Promise<Map<string, Map<string, Buffer>>> {
  const out = new Map<string, Map<string, Buffer>>();
  if (versions.length === 0) return out;
  const periods = [...new Set(versions.map((v) => v.period))];
  const rows = await db
    .selectFrom('report_version_files as f')
    .innerJoin('report_versions as v', 'v.id', 'f.version_id')
    .select(['v.period', 'v.number', 'f.name', 'f.bytes'])
    .where('v.period', 'in', periods)
    .execute();
  const wanted = new Set(versions.map((v) => `${v.period}/${v.number}`));
  for (const r of rows) {
    const key = `${r.period}/${r.number}`;
    if (!wanted.has(key)) continue;
    if (!out.has(key)) out.set(key, new Map());
    out.get(key)!.set(r.name, Buffer.from(r.bytes));
  }
  return out;
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
