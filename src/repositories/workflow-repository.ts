import { sql, type SqlBool } from 'kysely';
import type { Db } from '../db/connect.ts';
import type {
  AccountResult,
  ApprovalPurpose,
  EmergencyRecordRow,
  HoldRegimeValue,
  HoldReleaseReason,
  HoldRow,
  NdoGround,
  NdoRow,
  NumberSourceValue,
  RequestUpdate,
  ResponseRow,
} from '../db/schema.ts';
import type {
  Channel,
  DataSought,
  NdoAuthority,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequestStatus,
  Role,
} from '../domain/vocabulary.ts';

/** `pg` hands our enum arrays over as '{a,b}' text. */
function enumArray<T extends string>(v: T[] | string): T[] {
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  return (inner ? inner.split(',') : []) as T[];
}

const pgArray = (values: readonly string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

/**
 * Moves a request to its next version, changing `set` too, only if it is still at `fromVersion`.
 * Returns false when someone else changed it first.
 */
export async function bumpVersion(
  trx: Db,
  id: number,
  fromVersion: number,
  now: Date,
  set: RequestUpdate = {},
): Promise<boolean> {
  const res = await trx
    .updateTable('requests')
    .set({ ...set, version: fromVersion + 1, updated_at: now })
    .where('id', '=', id)
    .where('version', '=', fromVersion)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export function findUserById(db: Db, id: number) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'role', 'disabled_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface ApprovalView {
  id: number;
  approver_id: number;
  approver_email: string;
  approver_role: Role;
  purpose: ApprovalPurpose;
  note: string | null;
  approved_at: Date;
}

export interface OverrideView {
  id: number;
  response_id: number;
  approver_id: number;
  approver_email: string;
  beyond: DataSought[];
  findings: string[];
  reason: string;
  created_at: Date;
}

/** Everything the workflow recorded about one request, beside the request row itself. */
export interface WorkflowRecords {
  emergency: EmergencyRecordRow | undefined;
  approvals: ApprovalView[];
  responses: ResponseRow[];
  overrides: OverrideView[];
  holds: HoldRow[];
}

/** The workflow records of a request just created: none yet. */
export const NO_WORKFLOW_RECORDS: WorkflowRecords = Object.freeze({
  emergency: undefined,
  approvals: [],
  responses: [],
  overrides: [],
  holds: [],
});

export async function findWorkflowRecords(db: Db, requestId: number): Promise<WorkflowRecords> {
  const [emergency, approvals, responses, overrides, holds] = await Promise.all([
    db.selectFrom('emergency_records').selectAll().where('request_id', '=', requestId).executeTakeFirst(),
    db
      .selectFrom('request_approvals as a')
      .innerJoin('users as u', 'u.id', 'a.approver_id')
      .select([
        'a.id',
        'a.approver_id',
        'u.email as approver_email',
        'u.role as approver_role',
        'a.purpose',
        'a.note',
        'a.approved_at',
      ])
      .where('a.request_id', '=', requestId)
      .where('a.withdrawn_at', 'is', null)
      .orderBy('a.id')
      .execute(),
    db
      .selectFrom('request_responses')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('production_overrides as o')
      .innerJoin('users as u', 'u.id', 'o.approver_id')
      .select([
        'o.id',
        'o.response_id',
        'o.approver_id',
        'u.email as approver_email',
        'o.beyond',
        'o.findings',
        'o.reason',
        'o.created_at',
      ])
      .where('o.request_id', '=', requestId)
      .orderBy('o.id')
      .execute(),
    db
      .selectFrom('preservation_holds')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute(),
  ]);
  return {
    emergency,
    approvals,
    responses: responses.map((r) => ({ ...r, produced: enumArray(r.produced) })),
    overrides: overrides.map((o) => ({ ...o, beyond: enumArray(o.beyond) })),
    holds,
  };
}

export async function insertApproval(
  trx: Db,
  a: { requestId: number; approverId: number; purpose: ApprovalPurpose; note: string | null; at: Date },
): Promise<number> {
  const row = await trx
    .insertInto('request_approvals')
    .values({
      request_id: a.requestId,
      approver_id: a.approverId,
      purpose: a.purpose,
      note: a.note,
      approved_at: a.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Approvals stop counting when the request is reopened: they approved what was decided then. */
export async function withdrawApprovals(trx: Db, requestId: number, at: Date): Promise<void> {
  await trx
    .updateTable('request_approvals')
    .set({ withdrawn_at: at })
    .where('request_id', '=', requestId)
    .where('withdrawn_at', 'is', null)
    .execute();
}

export interface VerificationRecord {
  attests_danger: boolean;
  verified_by: string;
  called_back_at: Date;
  callback_number: string;
  number_source: NumberSourceValue;
  recorded_by: string;
  recorded_at: Date;
}

export async function upsertVerification(trx: Db, requestId: number, v: VerificationRecord): Promise<void> {
  await trx
    .insertInto('emergency_records')
    .values({ request_id: requestId, ...v })
    .onConflict((oc) => oc.column('request_id').doUpdateSet(v))
    .execute();
}

export async function setEmergencyDates(
  trx: Db,
  requestId: number,
  d: { passed_at?: Date; follow_up_received_at?: Date },
  recordedBy: string,
  at: Date,
): Promise<void> {
  await trx
    .insertInto('emergency_records')
    .values({ request_id: requestId, attests_danger: false, recorded_by: recordedBy, recorded_at: at, ...d })
    .onConflict((oc) => oc.column('request_id').doUpdateSet(d))
    .execute();
}

export async function insertResponse(
  trx: Db,
  r: { requestId: number; outcome: Outcome; produced: DataSought[]; respondedAt: Date; by: string; at: Date },
): Promise<number> {
  const row = await sql<{ id: number }>`
    insert into request_responses (request_id, outcome, produced, responded_at, recorded_by, recorded_at)
    values (${r.requestId}, ${r.outcome}::outcome, ${pgArray(r.produced)}::data_sought[], ${r.respondedAt},
      ${r.by}, ${r.at})
    returning id`.execute(trx);
  return Number(row.rows[0]!.id);
}

export async function supersedeResponse(trx: Db, requestId: number, at: Date): Promise<void> {
  await trx
    .updateTable('request_responses')
    .set({ superseded_at: at })
    .where('request_id', '=', requestId)
    .where('superseded_at', 'is', null)
    .execute();
}

export async function insertOverride(
  trx: Db,
  o: {
    requestId: number;
    responseId: number;
    approverId: number;
    beyond: DataSought[];
    findings: string[];
    reason: string;
    at: Date;
  },
): Promise<number> {
  const row = await sql<{ id: number }>`
    insert into production_overrides (request_id, response_id, approver_id, beyond, findings, reason, created_at)
    values (${o.requestId}, ${o.responseId}, ${o.approverId}, ${pgArray(o.beyond)}::data_sought[],
      ${o.findings}::text[], ${o.reason}, ${o.at})
    returning id`.execute(trx);
  return Number(row.rows[0]!.id);
}

/** Sets the per-account result of each target (by target id); null clears it. */
export async function setTargetResults(
  trx: Db,
  rows: Array<{ id: number; result: AccountResult | null }>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update request_targets t set result = v.res::account_result
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.result)}::text[]) as v(id, res)
    where t.id = v.id`.execute(trx);
}

export async function insertHold(
  trx: Db,
  h: { requestId: number; regime: HoldRegimeValue; startedAt: Date; by: string },
): Promise<HoldRow> {
  return trx
    .insertInto('preservation_holds')
    .values({ request_id: h.requestId, regime: h.regime, started_at: h.startedAt, created_by: h.by })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findHold(db: Db, requestId: number, holdId: number): Promise<HoldRow | undefined> {
  return db
    .selectFrom('preservation_holds')
    .selectAll()
    .where('id', '=', holdId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

/** Counts one more extension, only if the hold still has `fromExtensions` (no double extension in a race). */
export async function extendHold(
  trx: Db,
  holdId: number,
  fromExtensions: number,
  at: Date,
): Promise<boolean> {
  const res = await trx
    .updateTable('preservation_holds')
    .set({ extensions: fromExtensions + 1, last_extended_at: at })
    .where('id', '=', holdId)
    .where('extensions', '=', fromExtensions)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function releaseHold(
  trx: Db,
  holdId: number,
  at: Date,
  reason: HoldReleaseReason,
): Promise<boolean> {
  const res = await trx
    .updateTable('preservation_holds')
    .set({ released_at: at, release_reason: reason })
    .where('id', '=', holdId)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Every unreleased hold, locked and skipped if another instance is releasing it, so two instances never
 * release (and audit) one hold twice. Callers decide which have expired: that is a rule, not SQL.
 */
export function lockOpenHolds(trx: Db): Promise<HoldRow[]> {
  return trx
    .selectFrom('preservation_holds')
    .selectAll()
    .where('released_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
}

export interface NewNdo {
  authority: NdoAuthority;
  issuing_court: string | null;
  issued_at: Date | null;
  expires_at: Date | null;
  ground: NdoGround | null;
}

export function insertNdo(trx: Db, requestId: number, n: NewNdo): Promise<NdoRow> {
  return trx
    .insertInto('nondisclosure_orders')
    .values({ request_id: requestId, ...n, indefinite: n.expires_at === null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findNdo(db: Db, requestId: number, ndoId: number): Promise<NdoRow | undefined> {
  return db
    .selectFrom('nondisclosure_orders')
    .selectAll()
    .where('id', '=', ndoId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

export async function updateNdo(
  trx: Db,
  ndoId: number,
  set: { lifted_at?: Date; review_requested_at?: Date },
): Promise<void> {
  await trx.updateTable('nondisclosure_orders').set(set).where('id', '=', ndoId).execute();
}

/** The request columns the due list and the notice rules read. */
export interface OpenRequestRow {
  id: number;
  external_ref: string;
  status: RequestStatus;
  process_type: ProcessType;
  channel: Channel;
  emergency: boolean;
  received_at: Date;
  responded_at: Date | null;
  outcome: Outcome | null;
  notice_status: NoticeStatus;
  version: number;
  accounts: number;
  data_sought: DataSought[];
  target_us_person: boolean | null;
  assigned_to: number | null;
  assignee_email: string | null;
  agency_name: string;
}

/** The rows beside a set of requests that the rules need, each fetched in one query. */
export interface SnapshotParts {
  requests: OpenRequestRow[];
  ndos: NdoRow[];
  holds: HoldRow[];
  emergencies: EmergencyRecordRow[];
}

const requestColumns = sql`r.id, r.external_ref, r.status, r.process_type, r.channel, r.emergency,
  r.received_at, r.responded_at, r.outcome, r.notice_status, r.version, r.data_sought, r.target_us_person,
  r.assigned_to, (select a.name from agencies a where a.id = r.agency_id) as agency_name,
  (select u.email from users u where u.id = r.assigned_to) as assignee_email,
  (select count(distinct t.account_ref) from request_targets t where t.request_id = r.id) as accounts`;

/**
 * The open-work listing leaves the per-request account count out (a subquery per open request): its caller,
 * the due view, learns who is reachable from the contacts instead (`noticeReach`).
 */
const openColumns = sql`r.id, r.external_ref, r.status, r.process_type, r.channel, r.emergency,
  r.received_at, r.responded_at, r.outcome, r.notice_status, r.version, r.data_sought, r.target_us_person,
  0 as accounts, r.assigned_to, a.name as agency_name, u.email as assignee_email`;

async function partsFor(db: Db, rows: OpenRequestRow[]): Promise<SnapshotParts> {
  const requests = rows.map((r) => ({ ...r, data_sought: enumArray<DataSought>(r.data_sought) }));
  const ids = requests.map((r) => r.id);
  if (ids.length === 0) return { requests, ndos: [], holds: [], emergencies: [] };
  // `= any(array)`: one parameter however many requests are open (an IN list would hit the 65,535 limit).
  const inIds = sql<SqlBool>`request_id = any(${ids}::bigint[])`;
  const [ndos, holds, emergencies] = await Promise.all([
    db.selectFrom('nondisclosure_orders').selectAll().where(inIds).orderBy('id').execute(),
    db
      .selectFrom('preservation_holds')
      .selectAll()
      .where(inIds)
      .where('released_at', 'is', null)
      .orderBy('id')
      .execute(),
    db.selectFrom('emergency_records').selectAll().where(inIds).execute(),
  ]);
  return { requests, ndos, holds, emergencies };
}

/**
 * The open work at `now`, in four set-based queries: requests not closed, or closed but with notice still
 * undecided, an unreleased hold, or an order in force.
 */
export async function openWork(db: Db, now: Date): Promise<SnapshotParts> {
  // A union of index-served branches instead of one OR over every request (which no index can serve),
  // handed over as an array so the planner looks the ids up by key (with `in (subquery)` it hash-joined a
  // scan of every request: 290 ms against 28 ms at 1,000,000 requests).
  const rows = await sql<OpenRequestRow>`
    select ${openColumns}
    from requests r join agencies a on a.id = r.agency_id left join users u on u.id = r.assigned_to
    where r.id = any(array(
      select id from requests where status <> 'closed'
      union select id from requests where notice_status in ('pending', 'prohibited_by_order', 'delayed_emergency')
      union select request_id from preservation_holds where released_at is null
      union select request_id from nondisclosure_orders
            where lifted_at is null and (expires_at is null or expires_at > ${now})))
    order by r.id`.execute(db);
  return partsFor(db, rows.rows);
}

/** The snapshot parts of these requests, open or not (to bring kept open work up to date). */
export async function workOf(db: Db, ids: readonly number[]): Promise<SnapshotParts> {
  const rows = await sql<OpenRequestRow>`
    select ${openColumns}
    from requests r join agencies a on a.id = r.agency_id left join users u on u.id = r.assigned_to
    where r.id = any(${[...ids]}::bigint[]) order by r.id`.execute(db);
  return partsFor(db, rows.rows);
}

/** One request's snapshot parts (for the guidance and the notice rules). */
export async function snapshotParts(db: Db, requestId: number): Promise<SnapshotParts> {
  const rows =
    await sql<OpenRequestRow>`select ${requestColumns} from requests r where r.id = ${requestId}`.execute(db);
  return partsFor(db, rows.rows);
}

/** Requests whose notice is held back (by an order or an emergency), locked for the release job. */
export async function lockHeldNotices(trx: Db): Promise<SnapshotParts> {
  const rows = await sql<OpenRequestRow>`
    select ${requestColumns}
    from requests r
    where r.notice_status in ('prohibited_by_order', 'delayed_emergency')
    order by r.id
    for update of r skip locked`.execute(trx);
  return partsFor(trx, rows.rows);
}
