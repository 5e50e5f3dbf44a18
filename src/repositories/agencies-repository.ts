import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { AgencyRow } from '../db/schema.ts';
import type { Sight } from '../domain/restricted.ts';
import { visibleAgency } from './sight.ts';

/** Agencies whose name starts with `prefix` (case-insensitive; uses agencies_name_idx). */
export function searchAgencies(db: Db, sight: Sight, prefix: string, limit: number): Promise<AgencyRow[]> {
  const like = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .selectFrom('agencies')
    .selectAll()
    .where(sql`lower(name)`, 'like', like)
    .where(visibleAgency(sight, 'agencies.id'))
    .orderBy(sql`lower(name)`)
    .limit(limit)
    .execute();
}
