import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { Sight } from '../domain/restricted.ts';
import type { ProcessType, RequestStatus } from '../domain/vocabulary.ts';

/** Requests received in [from, to), counted by status and process type (one index range scan). */
export async function countReceived(
  db: Db,
  sight: Sight,
  from: string,
  to: string,
): Promise<Array<{ status: RequestStatus; process_type: ProcessType; n: number }>> {
  const r = await sql<{ status: RequestStatus; process_type: ProcessType; n: number }>`
    select status, process_type, count(*)::int as n
    from requests
    where received_at >= ${from}::timestamptz and received_at < ${to}::timestamptz
      and (${sight === 'all'} or not restricted)
    group by status, process_type`.execute(db);
  return r.rows;
}
