import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from '../../src/domain/vocabulary.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t?.close());

const enums: Array<[string, readonly string[]]> = [
  ['process_type', v.PROCESS_TYPES],
  ['outcome', v.OUTCOMES],
  ['notice_status', v.NOTICE_STATUSES],
  ['data_sought', v.DATA_SOUGHT],
  ['agency_kind', v.AGENCY_KINDS],
  ['agency_level', v.AGENCY_LEVELS],
  ['request_status', v.REQUEST_STATUSES],
  ['channel', v.CHANNELS],
  ['delivery_method', v.DELIVERY_METHODS],
  ['ndo_authority', v.NDO_AUTHORITIES],
  ['requester_class', v.REQUESTER_CLASSES],
  ['case_class', v.CASE_CLASSES],
  ['demand_kind', v.DEMAND_KINDS],
  ['user_role', v.ROLES],
  ['account_result', v.ACCOUNT_RESULTS],
  ['identifier_kind', v.IDENTIFIER_KINDS],
  ['restriction_basis', v.RESTRICTION_BASES],
  ['document_kind', v.DOCUMENT_KINDS],
  ['approval_purpose', v.APPROVAL_PURPOSES],
  ['ndo_ground', v.NDO_GROUNDS],
  ['hold_regime', v.HOLD_REGIMES],
  ['hold_release_reason', v.HOLD_RELEASE_REASONS],
  ['callback_number_source', v.NUMBER_SOURCES],
  ['notice_kind', v.NOTICE_KINDS],
  ['notice_outbox_status', v.OUTBOX_STATUSES],
  ['session_stage', v.SESSION_STAGES],
  ['reminder_mode', v.REMINDER_MODES],
  ['reminder_status', v.REMINDER_STATUSES],
  ['correspondence_direction', v.CORRESPONDENCE_DIRECTIONS],
  ['correspondence_channel', v.CORRESPONDENCE_CHANNELS],
  ['access_mode', v.ACCESS_MODES],
  ['challenge_stage', v.CHALLENGE_STAGES],
  ['challenge_result', v.CHALLENGE_RESULTS],
];

describe('the database vocabulary', () => {
  for (const [type, values] of enums) {
    it(`enum ${type} has exactly the values of src/domain/vocabulary.ts, in order`, async () => {
      const r = await sql<{ label: string }>`
        select e.enumlabel as label from pg_enum e join pg_type t on t.oid = e.enumtypid
        where t.typname = ${type} order by e.enumsortorder`.execute(t.db);
      expect(r.rows.map((x) => x.label)).toEqual([...values]);
    });
  }

  it('has no enum that src/domain/vocabulary.ts does not declare (every one is checked above)', async () => {
    const r = await sql<{ name: string }>`
      select t.typname as name from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where t.typtype = 'e' and n.nspname = 'public' order by 1`.execute(t.db);
    expect(r.rows.map((x) => x.name)).toEqual(enums.map(([name]) => name).sort());
  });

  it('accepts every DSA category and refuses anything else', async () => {
    const r = await sql<{ def: string }>`
      select pg_get_constraintdef(c.oid) as def from pg_constraint c
      where c.conrelid = 'requests'::regclass and pg_get_constraintdef(c.oid) like '%dsa_category%'`.execute(
      t.db,
    );
    const listed = [...(r.rows[0]?.def ?? '').matchAll(/'(STATEMENT_CATEGORY_[A-Z_]+)'/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...v.DSA_CATEGORIES].sort());
  });
});
