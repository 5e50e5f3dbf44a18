import { sql, type Kysely } from 'kysely';

// Issue 17, item 3: the default before-disclosure notice states a date to act by ({{act_by}}: the response
// deadline less the policy's notice.actByDaysBeforeProduction). Only the shipped English text changes, and only
// where nobody edited it; its version goes up, as with every template change.
const BEFORE = 'before we must respond. If we do not hear that you have done so, we will';
const AFTER =
  'before we must respond: please do so by {{act_by}}. If we do not hear by then\nthat you have done so, we will';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update notice_templates
    set body = replace(body, ${BEFORE}, ${AFTER}), version = version + 1, updated_at = now()
    where kind = 'before_disclosure' and language = 'en' and updated_by = 'migration'
      and position(${BEFORE} in body) > 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update notice_templates
    set body = replace(body, ${AFTER}, ${BEFORE}), version = version + 1, updated_at = now()
    where kind = 'before_disclosure' and language = 'en' and position(${AFTER} in body) > 0`.execute(db);
}
