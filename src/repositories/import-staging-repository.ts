import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { AgencyInput } from '../domain/request-input.ts';
import type { ChallengeRecord, NdoRecord, RequestRecord, TargetRecord } from './requests-repository.ts';

/**
 * A row of an import as it is staged (`import_staged_requests`, see its migration). A full row carries every
 * column of the request it becomes; after the first bad row of a file only `external_ref` and `line` are
 * staged, so that repeated refs in the rest of the file are still found and named.
 */
export type StagedRow = { external_ref: string; line: number } & Partial<StagedRequest>;

export interface StagedRequest {
  record: Omit<RequestRecord, 'agency_id'>;
  agency: AgencyInput;
  targets: TargetRecord[];
  ndo: NdoRecord | null;
  challenge: ChallengeRecord | null;
  override: { rules: string[]; findings: string[]; reason: string } | null;
}

/** Opens an import: its id keys every staged row. */
export async function openImportBatch(db: Db, file: string, actor: string, now: Date): Promise<number> {
  const row = await db
    .insertInto('import_batches')
    .values({ file, actor, touched_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Stages rows of an import (inside the caller's short transaction) and marks the import alive. Returns the
 * rows whose ref the import already staged (or that repeat one in `rows`) with the first line that has it.
 * False when the import is gone (published, or discarded as abandoned).
 */
export async function stageRows(
  db: Db,
  importId: number,
  rows: readonly StagedRow[],
  now: Date,
): Promise<false | Array<{ ref: string; line: number; firstLine: number }>> {
  const alive = await db
    .updateTable('import_batches')
    .set({ touched_at: now })
    .where('id', '=', importId)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  if (Number(alive.numUpdatedRows) !== 1) return false;
  if (rows.length === 0) return [];
  // One JSON parameter: its keys are the staging table's columns, which parses each value to its type.
  const json = JSON.stringify(rows.map((r) => flatten(importId, r)));
  const inserted = await sql<{ external_ref: string; line: number }>`
    insert into import_staged_requests
    select * from jsonb_populate_recordset(null::import_staged_requests, ${json}::jsonb) order by line
    on conflict (import_id, external_ref) do nothing
    returning external_ref, line`.execute(db);
  const kept = new Set(inserted.rows.map((r) => Number(r.line)));
  const repeated = rows.filter((r) => !kept.has(r.line));
  if (repeated.length === 0) return [];
  const first = await db
    .selectFrom('import_staged_requests')
    .select(['external_ref', 'line'])
    .where('import_id', '=', importId)
    .where(
      'external_ref',
      'in',
      repeated.map((r) => r.external_ref),
    )
    .execute();
  const firstLine = new Map(first.map((r) => [r.external_ref, Number(r.line)]));
  return repeated.map((r) => ({
    ref: r.external_ref,
    line: r.line,
    firstLine: firstLine.get(r.external_ref) ?? r.line,
  }));
}

function flatten(importId: number, r: StagedRow): Record<string, unknown> {
  const head = { import_id: importId, external_ref: r.external_ref, line: r.line };
  if (!r.record || !r.agency) return head;
  return {
    ...r.record,
    ...head,
    agency_name: r.agency.name,
    agency_kind: r.agency.kind,
    agency_level: r.agency.level,
    agency_country: r.agency.country,
    agency_subdivision: r.agency.subdivision ?? null,
    targets: r.targets ?? [],
    ndo_authority: r.ndo?.authority ?? null,
    ndo_issuing_court: r.ndo?.issuing_court ?? null,
    ndo_issued_at: r.ndo?.issued_at ?? null,
    ndo_expires_at: r.ndo?.expires_at ?? null,
    ndo_ground: r.ndo?.ground ?? null,
    court_challenge: r.challenge ?? null,
    override_rules: r.override?.rules ?? null,
    override_findings: r.override?.findings ?? null,
    override_reason: r.override?.reason ?? null,
  };
}

/**
 * Makes an import visible (inside the caller's transaction, which the audit event shares): the agencies it
 * names, then its requests with their targets, orders and overrides in one INSERT ... SELECT. Refs already
 * recorded are left as they are. Returns what was created, or false when the import is gone.
 */
export async function publishImport(
  trx: Db,
  importId: number,
  o: { source: string; actor: string; now: Date },
): Promise<false | { created: number; overrides: Array<{ line: number; rules: string[] }> }> {
  const mine = await trx
    .updateTable('import_batches')
    .set({ published_at: o.now })
    .where('id', '=', importId)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  if (Number(mine.numUpdatedRows) !== 1) return false;
  await sql`
    insert into agencies (name, kind, level, country, subdivision)
    select distinct agency_name, agency_kind, agency_level, agency_country, agency_subdivision
    from import_staged_requests where import_id = ${importId}
    on conflict (name, kind, level, country, coalesce(subdivision, '')) do nothing`.execute(trx);
  const res = await sql<{ created: number; overrides: Array<{ line: number; rules: string[] }> }>`
    with ins as (
      insert into requests (
        external_ref, received_at, delivered_via, agency_id, issuer, requester_class, channel, process_type,
        legal_authority, case_class, emergency, emergency_basis, demand_kind, data_sought, items_of_information,
        dsa_category, acknowledged_at, effect_given_at, status, outcome, responded_at, notice_status,
        data_location, notes, target_us_person, restricted, identifier_kind, access_mode, dsa_keyword,
        dsa_keyword_other, restriction_basis, restriction_law)
      select s.external_ref, s.received_at, s.delivered_via, a.id, s.issuer, s.requester_class, s.channel,
        s.process_type, s.legal_authority, s.case_class, s.emergency, s.emergency_basis, s.demand_kind,
        s.data_sought, s.items_of_information, s.dsa_category, s.acknowledged_at, s.effect_given_at, s.status,
        s.outcome, s.responded_at, s.notice_status, s.data_location, s.notes, s.target_us_person, s.restricted, s.identifier_kind,
        s.access_mode, s.dsa_keyword, s.dsa_keyword_other, s.restriction_basis, s.restriction_law
      from import_staged_requests s
      join agencies a on a.name = s.agency_name and a.kind = s.agency_kind and a.level = s.agency_level
        and a.country = s.agency_country and coalesce(a.subdivision, '') = coalesce(s.agency_subdivision, '')
      where s.import_id = ${importId}
      order by s.line
      on conflict (external_ref) do nothing
      returning id, external_ref),
    made as (
      select ins.id, s.line, s.targets, s.ndo_authority, s.ndo_issuing_court, s.ndo_issued_at, s.ndo_expires_at,
        s.ndo_ground, s.court_challenge, s.override_rules, s.override_findings, s.override_reason
      from ins
      join import_staged_requests s on s.import_id = ${importId} and s.external_ref = ins.external_ref),
    tg as (
      insert into request_targets (request_id, identifier, account_ref, result)
      select made.id, t.identifier, t.account_ref, t.result
      from made cross join lateral jsonb_to_recordset(made.targets)
        as t(identifier text, account_ref text, result account_result)
      on conflict (request_id, identifier) do nothing),
    nd as (
      insert into nondisclosure_orders (request_id, authority, issuing_court, issued_at, expires_at, indefinite, ground)
      select id, ndo_authority, ndo_issuing_court, ndo_issued_at, ndo_expires_at, ndo_expires_at is null, ndo_ground
      from made where ndo_authority is not null),
    -- History's court challenge as it stood (issue 16.2).
    cc as (
      insert into court_challenges (request_id, stage, result, filed_at, decided_at, court, recorded_by)
      select id, (court_challenge ->> 'stage')::challenge_stage, (court_challenge ->> 'result')::challenge_result,
        (court_challenge ->> 'filed_at')::timestamptz, (court_challenge ->> 'decided_at')::timestamptz,
        court_challenge ->> 'court', ${o.actor}
      from made where court_challenge is not null),
    ho as (
      insert into history_overrides (request_id, rules, findings, reason, source, line, created_by, created_at)
      select id, override_rules, override_findings, override_reason, ${o.source}, line, ${o.actor}, ${o.now}
      from made where override_reason is not null
      returning line, rules)
    select (select count(*) from ins)::integer as created,
      coalesce((select json_agg(json_build_object('line', line, 'rules', rules) order by line) from ho), '[]')
        as overrides`.execute(trx);
  const row = res.rows[0]!;
  return { created: Number(row.created), overrides: row.overrides };
}

/** Deletes up to `limit` staged rows of an import (one short statement); returns how many. */
export async function deleteStagedRows(db: Db, importId: number, limit: number): Promise<number> {
  const res = await sql`
    delete from import_staged_requests where import_id = ${importId} and external_ref in (
      select external_ref from import_staged_requests where import_id = ${importId} limit ${limit})`.execute(
    db,
  );
  return Number(res.numAffectedRows ?? 0);
}

export async function deleteImportBatch(db: Db, importId: number): Promise<void> {
  await db.deleteFrom('import_batches').where('id', '=', importId).execute();
}

/** Imports that are published (only their staged rows are left) or not touched since `before`. */
export async function abandonedImports(db: Db, before: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('import_batches')
    .select('id')
    .where((eb) => eb.or([eb('published_at', 'is not', null), eb('touched_at', '<', before)]))
    .execute();
  return rows.map((r) => Number(r.id));
}
