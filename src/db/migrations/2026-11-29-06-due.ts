import { sql, type Kysely } from 'kysely';

// The due view reads only open work; these partial indexes let it find that work without scanning every
// request ever recorded (most requests are closed, with their notice settled).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index requests_notice_open_idx on requests (id)
    where notice_status in ('pending', 'prohibited_by_order', 'delayed_emergency')`.execute(db);
  await sql`create index requests_open_idx on requests (id) where status <> 'closed'`.execute(db);
  await sql`
    create index nondisclosure_orders_open_idx on nondisclosure_orders (request_id) where lifted_at is null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index nondisclosure_orders_open_idx`.execute(db);
  await sql`drop index requests_open_idx`.execute(db);
  await sql`drop index requests_notice_open_idx`.execute(db);
}
