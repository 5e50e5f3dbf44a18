import type { RequestUpdate } from '../db/schema.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import {
  accountResult,
  defaultDemandKind,
  historyNoticeStatus,
  initialNoticeStatus,
  initialStatus,
} from '../domain/intake-defaults.ts';
import { INT4_MAX, readInstant, textProblem } from '../domain/primitives.ts';
import { requestInput, type ValidRequest } from '../domain/request-input.ts';
import { accessModeOf } from '../domain/request-process.ts';
import { insertChallenges } from '../repositories/court-challenges-repository.ts';
import { mayChangeRestriction, restrictedFlag } from '../domain/restricted.ts';
import type { NoticeStatus } from '../domain/vocabulary.ts';
import { fromDatabaseError } from '../db/errors.ts';
import { CandorError, zodIssues } from '../errors.ts';
import { appendEvent, queueEvent } from '../repositories/audit-repository.ts';
import type { AuditSequencer } from './audit-sequencer.ts';
import {
  findRequest,
  findRequestIdByRef,
  insertNdos,
  insertRequests,
  insertTargets,
  listRequests,
  replaceTargets,
  upsertAgency,
  type ChallengeRecord,
  type Cursor,
  type ListFilter,
  type NdoRecord,
  type RequestRecord,
  type SortKey,
  type TargetRecord,
} from '../repositories/requests-repository.ts';
import { findWorkflowRecords, NO_WORKFLOW_RECORDS } from '../repositories/workflow-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import { assertSeesRequest, sightFor } from './sight.ts';
import {
  presentRequest,
  presentWorkflow,
  type PresentedRequest,
  type PresentedWorkflow,
} from './presenters.ts';
import { intakeFacts, policyGate, producedFor } from '../domain/policy-gate.ts';
import { assertGate, assertGateChange } from './workflow/guards.ts';
import { changeRequest } from './workflow/change.ts';

const NEEDS_GRANT = () =>
  new CandorError(
    'forbidden',
    'restricted matters (national-security process, or a request marked restricted) need the restricted-matters grant',
  );

export type Clock = () => Date;

/** A validated request turned into the rows that store it. */
export interface PreparedRequest {
  record: Omit<RequestRecord, 'agency_id'>;
  agency: ValidRequest['agency'];
  targets: TargetRecord[];
  ndo: NdoRecord | null;
  /** History: the court challenge as it stood when recorded (issue 16.2). */
  challenge: ChallengeRecord | null;
}

/**
 * Derives the stored rows from a validated request (defaults for what the intake left out). `history`: the
 * record is imported history (the importer), whose missing notice status may be `not_recorded`
 * (`historyNoticeStatus`).
 */
export function prepareRequest(v: ValidRequest, now: Date, o: { history?: boolean } = {}): PreparedRequest {
  const ndoInForce = !!v.ndo && (v.ndo.expires_at === null || Date.parse(v.ndo.expires_at) > now.getTime());
  const result = accountResult(v.outcome);
  const derived = initialNoticeStatus({ outcome: v.outcome, emergency: v.emergency, ndoInForce });
  const notice =
    v.notice_status ??
    (o.history
      ? historyNoticeStatus(derived, { outcome: v.outcome, receivedAt: v.received_at, now })
      : derived);
  const given = new Map((v.account_results ?? []).map((a) => [a.account, a.result]));
  const resultOf = (account: string | null) => (account !== null && given.get(account)) || result;
  const targets = new Map<string, TargetRecord>();
  for (const a of v.accounts) targets.set(a, { identifier: a, account_ref: a, result: resultOf(a) });
  for (const i of v.identifiers) {
    if (!targets.has(i.value))
      targets.set(i.value, {
        identifier: i.value,
        account_ref: i.account ?? null,
        result: resultOf(i.account ?? null),
      });
  }
  return {
    agency: v.agency,
    record: {
      external_ref: v.external_ref,
      received_at: v.received_at,
      delivered_via: v.delivered_via ?? null,
      issuer: v.issuer ?? null,
      requester_class: v.requester_class,
      channel: v.channel,
      process_type: v.process_type,
      legal_authority: v.legal_authority ?? null,
      case_class: v.case_class ?? null,
      emergency: v.emergency || v.process_type === 'emergency_request',
      emergency_basis: v.emergency_basis ?? null,
      demand_kind: v.demand_kind ?? defaultDemandKind(v.process_type),
      data_sought: v.data_sought,
      items_of_information: v.items_of_information ?? null,
      dsa_category: v.dsa_category ?? null,
      acknowledged_at: v.acknowledged_at ?? null,
      effect_given_at: v.effect_given_at ?? null,
      status: initialStatus(v.outcome, notice),
      outcome: v.outcome ?? null,
      responded_at: v.responded_at ?? null,
      notice_status: notice,
      data_location: v.data_location ?? null,
      notes: v.notes ?? null,
      target_us_person: v.target_us_person ?? null,
      identifier_kind: v.identifier_kind ?? null,
      access_mode: accessModeOf(v.process_type, v.access_mode),
      dsa_keyword: v.dsa_keyword ?? null,
      dsa_keyword_other: v.dsa_keyword_other ?? null,
      restriction_basis: v.restriction_basis ?? null,
      restriction_law: v.restriction_law ?? null,
      restricted: restrictedFlag(v.process_type, v.restricted),
    },
    targets: [...targets.values()],
    ndo: v.ndo
      ? {
          authority: v.ndo.authority,
          issuing_court: v.ndo.issuing_court ?? null,
          issued_at: v.ndo.issued_at ?? null,
          expires_at: v.ndo.expires_at,
          ground: v.ndo.ground ?? null,
        }
      : null,
    challenge: v.court_challenge
      ? {
          stage: v.court_challenge.stage,
          result: v.court_challenge.result,
          filed_at: v.court_challenge.filed_at ?? null,
          decided_at: v.court_challenge.decided_at ?? null,
          court: v.court_challenge.court ?? null,
        }
      : null,
  };
}

/**
 * Writes prepared requests (inside the caller's transaction); existing external refs are left untouched.
 * Returns the ids created by external ref.
 */
export async function writeRequests(
  trx: Db,
  prepared: PreparedRequest[],
  agencyCache = new Map<string, number>(),
  recordedBy = 'system:intake',
): Promise<Map<string, number>> {
  const records: RequestRecord[] = [];
  for (const p of prepared) {
    const key = JSON.stringify([
      p.agency.name,
      p.agency.kind,
      p.agency.level,
      p.agency.country,
      p.agency.subdivision,
    ]);
    let agencyId = agencyCache.get(key);
    if (agencyId === undefined) {
      agencyId = await upsertAgency(trx, p.agency);
      agencyCache.set(key, agencyId);
    }
    records.push({ ...p.record, agency_id: agencyId });
  }
  const ids = await insertRequests(trx, records);
  const targets: Array<TargetRecord & { request_id: number }> = [];
  const ndos: Array<NdoRecord & { request_id: number }> = [];
  for (const p of prepared) {
    const id = ids.get(p.record.external_ref);
    if (id === undefined) continue;
    for (const t of p.targets) targets.push({ ...t, request_id: id });
    if (p.ndo) ndos.push({ ...p.ndo, request_id: id });
  }
  await insertTargets(trx, targets);
  await insertNdos(trx, ndos);
  await insertChallenges(
    trx,
    prepared.flatMap((p) => {
      const id = ids.get(p.record.external_ref);
      return id === undefined || !p.challenge
        ? []
        : [{ ...p.challenge, request_id: id, recorded_by: recordedBy }];
    }),
  );
  return ids;
}

export interface ListOptions {
  filter: ListFilter;
  limit: number;
  cursor?: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** A cursor this server could have issued for the sort: a real instant or a clean ref, and an id in range. */
function decodeCursor(s: string, sort: SortKey): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    const v = typeof c?.v === 'string' ? c.v : null;
    const valueOk =
      v !== null &&
      (sort === 'received_at' ? typeof readInstant(v) === 'number' : v.length <= 200 && !textProblem(v));
    if (valueOk && Number.isInteger(c.id) && c.id >= 0 && c.id <= INT4_MAX) return c;
  } catch {
    // fall through
  }
  throw new CandorError('invalid', 'cursor: expected the next_cursor value of a previous page', [
    { field: 'cursor', message: 'not a cursor this server issued' },
  ]);
}

/** Attaches documents uploaded before their request existed, inside the request's transaction. */
export type AttachDocuments = (
  trx: Db,
  actor: Actor,
  ids: readonly number[],
  requestId: number,
  now: Date,
) => Promise<void>;

export function createRequestService(deps: {
  db: Db;
  clock: Clock;
  config: Config;
  attach?: AttachDocuments;
  sequencer: AuditSequencer;
}) {
  const { db, clock, config, sequencer } = deps;

  /** The request with what the legal workflow recorded on it. */
  async function get(actor: Actor, id: number): Promise<PresentedRequest & { workflow: PresentedWorkflow }> {
    authorize(actor, 'request.read');
    await assertSeesRequest(db, actor, id);
    const b = await findRequest(db, id);
    if (!b) throw new CandorError('not_found', `request ${id} does not exist`);
    // Every workflow step bumps the version: at version 1 nothing has been recorded on the request yet.
    const w = b.request.version === 1 ? NO_WORKFLOW_RECORDS : await findWorkflowRecords(db, id);
    return { ...presentRequest(b), workflow: presentWorkflow(b, w, config.policy, clock()) };
  }

  /** Marking a request restricted, clearing the mark, or recording restricted process needs the grant. */
  async function assertMayRestrict(actor: Actor): Promise<void> {
    if (!mayChangeRestriction(await sightFor(db, actor))) throw NEEDS_GRANT();
  }

  /** The id when the actor may see that request, else undefined (a hidden request is not found). */
  async function visibleId(actor: Actor, id: number): Promise<number | undefined> {
    try {
      await assertSeesRequest(db, actor, id);
      return id;
    } catch {
      return undefined;
    }
  }

  return {
    get,
    assertMayRestrict,

    /**
     * Records one request (any intake door). A second request with the same external_ref is a conflict.
     * `documentIds`: the actor's uploads from the new-request page (served process), attached in the same
     * transaction.
     */
    async create(
      actor: Actor,
      input: ValidRequest,
      opts: { documentIds?: readonly number[] } = {},
    ): Promise<PresentedRequest> {
      authorize(actor, 'request.create');
      const now = clock();
      // Intake records facts, it does not decide: no override here (an approver overrides a policy tier when
      // recording the response through the workflow).
      assertGate(policyGate(intakeFacts(input, now), config.policy));
      const prepared = prepareRequest(input, now);
      if (prepared.record.restricted) await assertMayRestrict(actor);
      const id = await db
        .transaction()
        .execute(async (trx) => {
          const ids = await writeRequests(trx, [prepared], undefined, actor.label);
          const newId = ids.get(prepared.record.external_ref);
          if (newId === undefined) {
            throw new CandorError(
              'conflict',
              `a request with external_ref ${prepared.record.external_ref} exists`,
              [{ field: 'external_ref', message: 'already recorded' }],
            );
          }
          const event = {
            at: now,
            actor: actor.label,
            action: 'request.create',
            entity: 'request',
            entityId: newId,
            after: input,
          };
          // The hot path: the event waits for the sequencer, so concurrent intakes never wait for each other's
          // commit. With documents attached (whose events chain at once) the request's event chains at once
          // too, ahead of theirs.
          if (opts.documentIds?.length) await appendEvent(trx, event);
          else await queueEvent(trx, event);
          if (opts.documentIds?.length) {
            if (!deps.attach) throw new CandorError('unavailable', 'documents cannot be attached here');
            await deps.attach(trx, actor, opts.documentIds, newId, now);
          }
          return newId;
        })
        .catch((e: unknown) => {
          throw fromDatabaseError(e, 'the request');
        });
      // In the chain before the answer. Should the seal fail, the event stays pending (committed with the
      // request) and the next seal of any writer, of `audit verify` or of start-up chains it.
      await sequencer.flush().catch(() => undefined);
      return get(actor, id);
    },

    async findIdByRef(actor: Actor, externalRef: string): Promise<number | undefined> {
      authorize(actor, 'request.read');
      const id = await findRequestIdByRef(db, externalRef);
      return id === undefined ? undefined : visibleId(actor, id);
    },

    async list(actor: Actor, o: ListOptions) {
      authorize(actor, 'request.read');
      const rows = await listRequests(db, await sightFor(db, actor), o.filter, {
        limit: o.limit + 1,
        after: o.cursor ? decodeCursor(o.cursor, o.sort) : undefined,
        sort: o.sort,
        dir: o.dir,
      });
      const more = rows.length > o.limit;
      const page = rows.slice(0, o.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          external_ref: r.external_ref,
          received_at: r.received_at.toISOString(),
          agency_name: r.agency_name,
          country: r.country,
          subdivision: r.subdivision,
          process_type: r.process_type,
          emergency: r.emergency,
          channel: r.channel,
          status: r.status,
          outcome: r.outcome,
          notice_status: r.notice_status,
          accounts_specified: Number(r.accounts),
        })),
        next_cursor:
          more && last
            ? encodeCursor({
                v: o.sort === 'received_at' ? last.received_at.toISOString() : last.external_ref,
                id: last.id,
              })
            : null,
      };
    },

    /**
     * Changes fields of a request with optimistic concurrency: `version` must be the version the caller
     * read, or nothing changes and the caller gets `conflict`.
     */
    async update(actor: Actor, id: number, version: number, patch: Record<string, unknown>) {
      authorize(actor, 'request.update');
      await assertSeesRequest(db, actor, id);
      if ('restricted' in patch) await assertMayRestrict(actor);
      // Read before the transaction: on the embedded engine a query outside it would wait for it forever.
      const mayRestrict = mayChangeRestriction(await sightFor(db, actor));
      const change = { actor, id, expectedVersion: version, action: 'request.update', now: clock() };
      await changeRequest(db, change, async (trx, b, w, now) => {
        const current = presentRequest(b);
        // A restriction that was never asked for follows the process type (a reclassification into
        // national-security process restricts the request); one that is set stays until cleared on purpose.
        const base = { ...toInput(current), restricted: current.restricted ? true : null };
        const merged = requestInput.safeParse({ ...base, ...patch });
        if (!merged.success) {
          throw new CandorError('invalid', 'the change is not valid', zodIssues(merged.error.issues));
        }
        const next = prepareRequest(merged.data, now);
        const changed: Record<string, unknown> = {};
        const before: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(next.record) as Array<[keyof typeof next.record, unknown]>) {
          if (k === 'external_ref' || k === 'status') continue;
          // The notice status, the restriction and the access mode may follow from other fields (a process type
          // changed into a wiretap order makes the access prospective).
          if (!(k in patch || k === 'notice_status' || k === 'restricted' || k === 'access_mode')) continue;
          const old = (current as Record<string, unknown>)[k];
          if (JSON.stringify(old) !== JSON.stringify(v)) {
            changed[k] = v;
            before[k] = old;
          }
        }
        // Reclassifying into national-security process restricts the request: that needs the grant too.
        if ('restricted' in changed && !mayRestrict) throw NEEDS_GRANT();
        if ('outcome' in patch && (patch.outcome ?? null) !== current.outcome) {
          changed.status = next.record.outcome
            ? 'responded'
            : b.request.status === 'closed'
              ? 'in_review'
              : b.request.status;
        }
        if ('agency' in patch) {
          const agencyId = await upsertAgency(trx, next.agency);
          if (agencyId !== b.agency.id) {
            changed.agency_id = agencyId;
            before.agency_id = b.agency.id;
          }
        }
        // The generic change path goes through the same policy gate as every other door. A refusal the
        // request already carried (an approver's override, imported history) does not block an unrelated
        // change; any refusal the change would add does.
        const produced = 'outcome' in changed || 'data_sought' in changed;
        assertGateChange(b, w, now, config.policy, {
          processType: merged.data.process_type,
          channel: merged.data.channel,
          requesterClass: merged.data.requester_class,
          agencyCountry: next.agency.country,
          emergency: next.record.emergency,
          receivedAt: new Date(merged.data.received_at),
          outcome: next.record.outcome,
          respondedAt: merged.data.responded_at ? new Date(merged.data.responded_at) : null,
          targetUsPerson: next.record.target_us_person,
          ...(produced ? { produced: producedFor(next.record.outcome, next.record.data_sought) } : {}),
          ...(typeof changed.notice_status === 'string'
            ? { noticeStatus: changed.notice_status as NoticeStatus }
            : {}),
        });
        const targetsChanged = 'accounts' in patch || 'identifiers' in patch || 'account_results' in patch;
        if (Object.keys(changed).length === 0 && !targetsChanged) return null;
        const set = { ...changed } as RequestUpdate;
        if (targetsChanged) {
          await replaceTargets(trx, id, next.targets);
          before.targets = current.targets;
          changed.targets = next.targets;
        }
        return {
          set,
          // The agency by name, not only by its row id, so the history reads in words.
          before: 'agency_id' in changed ? { ...before, agency: b.agency.name } : before,
          after: 'agency_id' in changed ? { ...changed, agency: next.agency.name } : changed,
        };
      });
      return get(actor, id);
    },
  };
}
export type RequestService = ReturnType<typeof createRequestService>;

/** The presented request turned back into intake input (for re-validating a patched record as a whole). */
function toInput(p: PresentedRequest): Record<string, unknown> {
  const accounts = p.targets.filter((t) => t.account === t.identifier).map((t) => t.identifier);
  const identifiers = p.targets
    .filter((t) => t.account !== t.identifier)
    .map((t) => ({ value: t.identifier, account: t.account }));
  const ndo = p.nondisclosure_orders[0];
  return {
    external_ref: p.external_ref,
    received_at: p.received_at,
    delivered_via: p.delivered_via,
    agency: {
      name: p.agency.name,
      kind: p.agency.kind,
      level: p.agency.level,
      country: p.agency.country,
      subdivision: p.agency.subdivision,
    },
    issuer: p.issuer,
    requester_class: p.requester_class,
    channel: p.channel,
    process_type: p.process_type,
    legal_authority: p.legal_authority,
    case_class: p.case_class,
    emergency: p.emergency,
    emergency_basis: p.emergency_basis,
    demand_kind: p.demand_kind,
    data_sought: p.data_sought,
    accounts,
    identifiers,
    items_of_information: p.items_of_information,
    dsa_category: p.dsa_category,
    acknowledged_at: p.acknowledged_at,
    effect_given_at: p.effect_given_at,
    outcome: p.outcome,
    responded_at: p.responded_at,
    notice_status: p.notice_status,
    identifier_kind: p.identifier_kind,
    access_mode: p.access_mode,
    dsa_keyword: p.dsa_keyword,
    dsa_keyword_other: p.dsa_keyword_other,
    restriction_basis: p.restriction_basis,
    restriction_law: p.restriction_law,
    ndo: ndo
      ? {
          authority: ndo.authority,
          issuing_court: ndo.issuing_court,
          issued_at: ndo.issued_at,
          expires_at: ndo.expires_at,
          ground: ndo.ground,
        }
      : null,
    data_location: p.data_location,
    target_us_person: p.target_us_person,
    notes: p.notes,
    restricted: p.restricted,
  };
}
