import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../db/connect.ts';
import type {
  AccountResult,
  AgencyRow,
  ChallengeRow,
  NdoGround,
  NdoRow,
  RequestRow,
  TargetRow,
} from '../db/schema.ts';
import type { AgencyInput } from '../domain/request-input.ts';
import type { Sight } from '../domain/restricted.ts';
import { visibleRequest } from './sight.ts';
import type {
  AccessMode,
  CaseClass,
  ChallengeResult,
  ChallengeStage,
  Channel,
  DataSought,
  DeliveryMethod,
  DemandKind,
  DsaCategory,
  IdentifierKind,
  RestrictionBasis,
  NdoAuthority,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequestStatus,
  RequesterClass,
} from '../domain/vocabulary.ts';

/** A request as it is written: every column the intake sets. */
export interface RequestRecord {
  external_ref: string;
  received_at: string;
  delivered_via: DeliveryMethod | null;
  agency_id: number;
  issuer: string | null;
  requester_class: RequesterClass;
  channel: Channel;
  process_type: ProcessType;
  legal_authority: string | null;
  case_class: CaseClass | null;
  emergency: boolean;
  emergency_basis: string | null;
  demand_kind: DemandKind;
  data_sought: DataSought[];
  items_of_information: number | null;
  dsa_category: DsaCategory | null;
  acknowledged_at: string | null;
  effect_given_at: string | null;
  status: RequestStatus;
  outcome: Outcome | null;
  responded_at: string | null;
  notice_status: NoticeStatus;
  data_location: string | null;
  notes: string | null;
  target_us_person: boolean | null;
  identifier_kind: IdentifierKind | null;
  access_mode: AccessMode | null;
  dsa_keyword: string | null;
  dsa_keyword_other: string | null;
  restriction_basis: RestrictionBasis | null;
  restriction_law: string | null;
  restricted: boolean;
}

export interface TargetRecord {
  identifier: string;
  account_ref: string | null;
  result: AccountResult | null;
}

/** One step of a court challenge as it is written (court-challenges-repository.ts). */
export interface ChallengeRecord {
  stage: ChallengeStage;
  result: ChallengeResult;
  filed_at: string | null;
  decided_at: string | null;
  court: string | null;
}

export interface NdoRecord {
  authority: NdoAuthority;
  issuing_court: string | null;
  issued_at: string | null;
  expires_at: string | null;
  ground: NdoGround | null;
}

/** Finds or creates the agency; returns its id (one statement, a second only when racing another insert). */
export async function upsertAgency(db: Db, a: AgencyInput): Promise<number> {
  const sub = a.subdivision ?? null;
  const found = () =>
    db
      .selectFrom('agencies')
      .select('id')
      .where('name', '=', a.name)
      .where('kind', '=', a.kind)
      .where('level', '=', a.level)
      .where('country', '=', a.country)
      .where(sql<SqlBool>`coalesce(subdivision, '') = ${sub ?? ''}`);
  const row = await sql<{ id: number }>`
    with ins as (
      insert into agencies (name, kind, level, country, subdivision)
      values (${a.name}, ${a.kind}, ${a.level}, ${a.country}, ${sub})
      on conflict (name, kind, level, country, coalesce(subdivision, '')) do nothing
      returning id)
    select id from ins union all ${found()} limit 1`.execute(db);
  if (row.rows[0]) return Number(row.rows[0].id);
  // Another transaction inserted it after this statement's snapshot was taken (the insert waited for it,
  // then did nothing): a new statement sees it.
  return (await found().executeTakeFirstOrThrow()).id;
}

const pgArray = (values: readonly string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

/**
 * Inserts many requests in one statement (one array parameter per column), skipping external refs that
 * already exist. Returns the ids of the rows it inserted, keyed by external ref.
 */
export async function insertRequests(db: Db, rows: RequestRecord[]): Promise<Map<string, number>> {
  if (rows.length === 0) return new Map();
  const col = <K extends keyof RequestRecord>(k: K) => rows.map((r) => r[k]);
  const result = await sql<{ id: number; external_ref: string }>`
    insert into requests (
      external_ref, received_at, delivered_via, agency_id, issuer, requester_class, channel, process_type,
      legal_authority, case_class, emergency, emergency_basis, demand_kind, data_sought, items_of_information,
      dsa_category, acknowledged_at, effect_given_at, status, outcome, responded_at, notice_status,
      data_location, notes, target_us_person, identifier_kind, restricted, access_mode, dsa_keyword,
      dsa_keyword_other, restriction_basis, restriction_law)
    select ref, rec, dv::delivery_method, ag, iss, rc::requester_class, ch::channel, pt::process_type,
      la, cc::case_class, em, eb, dk::demand_kind, ds::data_sought[], items, dsa, ack, eff,
      st::request_status, oc::outcome, resp, ns::notice_status, dl, notes, tus, ik::identifier_kind, rs,
      am::access_mode, kw, kwo, rb::restriction_basis, rl
    from unnest(
      ${col('external_ref')}::text[], ${col('received_at')}::timestamptz[], ${col('delivered_via')}::text[],
      ${col('agency_id')}::bigint[], ${col('issuer')}::text[], ${col('requester_class')}::text[],
      ${col('channel')}::text[], ${col('process_type')}::text[], ${col('legal_authority')}::text[],
      ${col('case_class')}::text[], ${col('emergency')}::boolean[], ${col('emergency_basis')}::text[],
      ${col('demand_kind')}::text[], ${rows.map((r) => pgArray(r.data_sought))}::text[],
      ${col('items_of_information')}::integer[], ${col('dsa_category')}::text[],
      ${col('acknowledged_at')}::timestamptz[], ${col('effect_given_at')}::timestamptz[],
      ${col('status')}::text[], ${col('outcome')}::text[], ${col('responded_at')}::timestamptz[],
      ${col('notice_status')}::text[], ${col('data_location')}::text[], ${col('notes')}::text[],
      ${col('target_us_person')}::boolean[], ${col('identifier_kind')}::text[], ${col('restricted')}::boolean[],
      ${col('access_mode')}::text[], ${col('dsa_keyword')}::text[], ${col('dsa_keyword_other')}::text[],
      ${col('restriction_basis')}::text[], ${col('restriction_law')}::text[]
    ) as t(ref, rec, dv, ag, iss, rc, ch, pt, la, cc, em, eb, dk, ds, items, dsa, ack, eff, st, oc, resp, ns, dl, notes, tus, ik, rs, am, kw, kwo, rb, rl)
    on conflict (external_ref) do nothing
    returning id, external_ref`.execute(db);
  return new Map(result.rows.map((r) => [r.external_ref, Number(r.id)]));
}

export async function insertTargets(
  db: Db,
  rows: Array<TargetRecord & { request_id: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into request_targets (request_id, identifier, account_ref, result)
    select rid, ident, acc, res::account_result
    from unnest(${rows.map((r) => r.request_id)}::bigint[], ${rows.map((r) => r.identifier)}::text[],
      ${rows.map((r) => r.account_ref)}::text[], ${rows.map((r) => r.result)}::text[]) as t(rid, ident, acc, res)
    on conflict (request_id, identifier) do nothing`.execute(db);
}

/** Replaces a request's targets with `rows` (inside the caller's transaction). */
export async function replaceTargets(
  trx: Db,
  requestId: number,
  rows: readonly TargetRecord[],
): Promise<void> {
  await trx.deleteFrom('request_targets').where('request_id', '=', requestId).execute();
  await insertTargets(
    trx,
    rows.map((t) => ({ ...t, request_id: requestId })),
  );
}

export async function insertNdos(db: Db, rows: Array<NdoRecord & { request_id: number }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into nondisclosure_orders (request_id, authority, issuing_court, issued_at, expires_at, indefinite, ground)
    select rid, au::ndo_authority, court, iss, exp, exp is null, gr::ndo_ground
    from unnest(${rows.map((r) => r.request_id)}::bigint[], ${rows.map((r) => r.authority)}::text[],
      ${rows.map((r) => r.issuing_court)}::text[], ${rows.map((r) => r.issued_at)}::timestamptz[],
      ${rows.map((r) => r.expires_at)}::timestamptz[], ${rows.map((r) => r.ground)}::text[])
      as t(rid, au, court, iss, exp, gr)`.execute(db);
}

/** Which of these external refs already exist. */
export async function existingRefs(db: Db, refs: string[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set();
  const rows = await sql<{ external_ref: string }>`
    select external_ref from requests where external_ref = any(${refs}::text[])`.execute(db);
  return new Set(rows.rows.map((r) => r.external_ref));
}

export interface RequestBundle {
  request: RequestRow;
  agency: AgencyRow;
  targets: TargetRow[];
  ndos: NdoRow[];
  /** The recorded steps of the request's court challenge, oldest first (issue 16.2). */
  challenges: ChallengeRow[];
}

/** `pg` does not know our enum array types and hands them over as '{a,b}' text. */
function enumArray<T extends string>(v: T[] | string): T[] {
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  return (inner ? inner.split(',') : []) as T[];
}

export async function findRequest(db: Db, id: number): Promise<RequestBundle | undefined> {
  const row = await db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const request = { ...row, data_sought: enumArray(row.data_sought) };
  const [agency, targets, ndos, challenges] = await Promise.all([
    db.selectFrom('agencies').selectAll().where('id', '=', request.agency_id).executeTakeFirstOrThrow(),
    db.selectFrom('request_targets').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    db.selectFrom('nondisclosure_orders').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    db.selectFrom('court_challenges').selectAll().where('request_id', '=', id).orderBy('id').execute(),
  ]);
  return { request, agency, targets, ndos, challenges };
}

export async function findRequestIdByRef(db: Db, externalRef: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('requests')
    .select('id')
    .where('external_ref', '=', externalRef)
    .executeTakeFirst();
  return row?.id;
}

export interface ListFilter {
  status?: RequestStatus[];
  processType?: ProcessType[];
  country?: string[];
  outcome?: Array<Outcome | 'none'>;
  receivedFrom?: string;
  receivedTo?: string;
  q?: string;
}

export type SortKey = 'received_at' | 'external_ref';

/** Keyset cursor: the sort value and id of the last row of the previous page. */
export interface Cursor {
  v: string;
  id: number;
}

export interface ListedRequest {
  id: number;
  external_ref: string;
  received_at: Date;
  process_type: ProcessType;
  status: RequestStatus;
  outcome: Outcome | null;
  notice_status: NoticeStatus;
  emergency: boolean;
  channel: Channel;
  agency_name: string;
  country: string;
  subdivision: string | null;
  accounts: number;
}

/** How many rows of the sort order a search first looks through before it reads every match instead. */
const SEARCH_WINDOW = 10_000;
/** How much further a second look may reach, in windows. */
const MAX_WIDENING = 20;

interface Page {
  limit: number;
  after?: Cursor;
  sort: SortKey;
  dir: 'asc' | 'desc';
  /** Rows a search looks through first (SEARCH_WINDOW; smaller in tests, to reach every path). */
  window?: number;
}

/** One page of requests, newest first by default, using keyset pagination (no OFFSET). */
export async function listRequests(
  db: Db,
  sight: Sight,
  f: ListFilter,
  page: Page,
): Promise<ListedRequest[]> {
  // A search by reference or agency: agencies first (agencies_name_idx), then one OR of two indexed conditions
  // on requests (an OR across the join could use neither index and scanned every request).
  const agencyIds = f.q
    ? (
        await db
          .selectFrom('agencies')
          .select('id')
          .where(sql`lower(name)`, 'like', likePrefix(f.q).toLowerCase())
          .limit(1000)
          .execute()
      ).map((a) => a.id)
    : [];
  const col = page.sort === 'received_at' ? 'r.received_at' : 'r.external_ref';
  const matching = () => filtered(db, f, agencyIds, page).where(visibleRequest(sight, 'r'));
  const listed = (q: ReturnType<typeof matching>) =>
    q
      .select([
        'r.id',
        'r.external_ref',
        'r.received_at',
        'r.process_type',
        'r.status',
        'r.outcome',
        'r.notice_status',
        'r.emergency',
        'r.channel',
        'a.name as agency_name',
        'a.country',
        'a.subdivision',
      ])
      .select(
        sql<number>`(select count(distinct t.account_ref) from request_targets t where t.request_id = r.id)`.as(
          'accounts',
        ),
      )
      .orderBy(col, page.dir)
      .orderBy('r.id', page.dir)
      .limit(page.limit)
      .execute() as Promise<ListedRequest[]>;
  if (!f.q) return listed(matching());

  // The planner takes the matches of a search to be spread evenly over the sort order, and walks it until
  // the page is full: right when they are, hopeless when they all lie far back (a reference prefix of old
  // requests walked 800,000 rows). So look through the next SEARCH_WINDOW rows of the order first (cheap,
  // whatever the planner does): if they hold a full page it is the page; if they hold a few matches, look
  // once more as far as those suggest; else the matches lie elsewhere, and reading all of them, then
  // sorting, is the cheap way.
  const window = page.window ?? SEARCH_WINDOW;
  const cmp = page.dir === 'desc' ? '>=' : '<=';
  let edge = await windowEdge(db, page, window);
  if (edge === undefined) return listed(matching());
  let near = await listed(matching().where(col, cmp, edge));
  if (near.length === page.limit) return near;
  // Some matches, spread out (an agency with thousands of requests over the years): how far the page
  // reaches if they go on like that, twice over, in one more look if it is not too far.
  const reach = near.length > 0 ? Math.ceil((2 * window * page.limit) / near.length) : Infinity;
  if (reach <= MAX_WIDENING * window) {
    edge = await windowEdge(db, page, reach);
    if (edge === undefined) return listed(matching());
    near = await listed(matching().where(col, cmp, edge));
    if (near.length === page.limit) return near;
  }
  // OFFSET 0 keeps the planner from pulling the sort into the subquery: it reads the matches by their own
  // indexes, then keeps the top of the page.
  const all = matching()
    .select(['r.id', `${col} as k`])
    .offset(0)
    .as('m');
  const ids = (
    await db
      .selectFrom(all)
      .select('m.id')
      .orderBy('m.k', page.dir)
      .orderBy('m.id', page.dir)
      .limit(page.limit)
      .execute()
  ).map((m) => m.id);
  if (ids.length === 0) return [];
  return listed(
    db
      .selectFrom('requests as r')
      .innerJoin('agencies as a', 'a.id', 'r.agency_id')
      .where('r.id', '=', sql<number>`any(${ids}::bigint[])`),
  );
}

/** `q` as a LIKE pattern matching what starts with it. */
const likePrefix = (q: string) => `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The requests matching the filter and the search, after the cursor: the rows of every page. */
function filtered(db: Db, f: ListFilter, agencyIds: number[], page: Page) {
  let q = db.selectFrom('requests as r').innerJoin('agencies as a', 'a.id', 'r.agency_id');
  if (f.status?.length) q = q.where('r.status', 'in', f.status);
  if (f.processType?.length) q = q.where('r.process_type', 'in', f.processType);
  if (f.country?.length) q = q.where('a.country', 'in', f.country);
  if (f.outcome?.length) {
    const real = f.outcome.filter((o): o is Outcome => o !== 'none');
    const none = f.outcome.includes('none');
    q = q.where((eb) => {
      const ors: Expression<SqlBool>[] = [];
      if (real.length) ors.push(eb('r.outcome', 'in', real));
      if (none) ors.push(eb('r.outcome', 'is', null));
      return eb.or(ors);
    });
  }
  if (f.receivedFrom) q = q.where('r.received_at', '>=', new Date(f.receivedFrom));
  if (f.receivedTo) q = q.where('r.received_at', '<', new Date(f.receivedTo));
  if (f.q) {
    const like = likePrefix(f.q);
    q = q.where((eb) =>
      eb.or([
        eb('r.external_ref', 'like', like),
        ...(agencyIds.length ? [eb('r.agency_id', '=', sql<number>`any(${agencyIds}::bigint[])`)] : []),
      ]),
    );
  }
  if (page.after) q = q.where(afterCursor('r', page));
  return q;
}

/** The keyset condition: rows after the cursor in the page's order. */
function afterCursor(alias: string, page: Page): Expression<SqlBool> {
  const { after } = page;
  if (!after) return sql<SqlBool>`true`;
  const col = sql.ref(`${alias}.${page.sort}`);
  const cmp = sql.raw(page.dir === 'desc' ? '<' : '>');
  const v = page.sort === 'received_at' ? sql`${after.v}::timestamptz` : sql`${after.v}`;
  return sql<SqlBool>`(${col}, ${sql.ref(`${alias}.id`)}) ${cmp} (${v}, ${after.id})`;
}

/**
 * The sort value `rows` rows into the order after the cursor (an index-only walk of the sort index, ~1 ms
 * per 10,000), or undefined when fewer rows than that are left.
 */
async function windowEdge(db: Db, page: Page, rows: number): Promise<Date | string | undefined> {
  const row = await db
    .selectFrom('requests as w')
    .select(sql<Date | string>`${sql.ref(`w.${page.sort}`)}`.as('v'))
    .where(afterCursor('w', page))
    .orderBy(`w.${page.sort}`, page.dir)
    .orderBy('w.id', page.dir)
    .offset(rows - 1)
    .limit(1)
    .executeTakeFirst();
  return row?.v;
}

/** Records what imported history carries past the policy gate, with its written reason (one row per request). */
export async function insertHistoryOverrides(
  db: Db,
  rows: ReadonlyArray<{
    request_id: number;
    rules: string[];
    findings: string[];
    reason: string;
    source: string;
    line: number | null;
    created_by: string;
    created_at: Date;
  }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('history_overrides')
    .values([...rows])
    .execute();
}
