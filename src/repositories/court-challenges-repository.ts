import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { ChallengeRecord } from './requests-repository.ts';

/**
 * Steps of court challenges (issue 16.2): appended by the workflow action `challenge.record` and by intake or
 * import of history; never changed afterwards (a later step is a new row).
 */
export async function insertChallenges(
  db: Db,
  rows: ReadonlyArray<ChallengeRecord & { request_id: number; recorded_by: string }>,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const res = await sql<{ id: number }>`
    insert into court_challenges (request_id, stage, result, filed_at, decided_at, court, recorded_by)
    select rid, st::challenge_stage, rs::challenge_result, fa, da, ct, rb
    from unnest(${col('request_id')}::bigint[], ${col('stage')}::text[], ${col('result')}::text[],
      ${col('filed_at')}::timestamptz[], ${col('decided_at')}::timestamptz[], ${col('court')}::text[],
      ${col('recorded_by')}::text[]) as t(rid, st, rs, fa, da, ct, rb)
    returning id`.execute(db);
  return res.rows.map((r) => Number(r.id));
}
