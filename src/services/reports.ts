import type { Db } from '../db/connect.ts';
import { fromDatabaseError } from '../db/errors.ts';
import { OPTION_RULES, optionRefusal } from '../domain/national-security.ts';
import { defaultPublicationDate } from '../domain/ns-coverage.ts';
import { halfYearsBetween, parsePeriod } from '../domain/periods.ts';
import { CandorError } from '../errors.ts';
import { computeReport } from '../reports/compute.ts';
import { describeChange, diffReports, type Change } from '../reports/diff.ts';
import { dsaIdentification, fileHashes, renderFiles, FORMAT_FILES, type Format } from '../reports/files.ts';
import type { ReportData } from '../reports/report-data.ts';
import { scorecard, type Scorecard } from '../reports/scorecard.ts';
import { toFrozenVersion, type FrozenVersion } from '../reports/versions.ts';
import { appendEvent, headEvent } from '../repositories/audit-repository.ts';
import { createAuditHeadMemo } from './audit-head-memo.ts';
import { firstReceivedAt, nationalSecurityMoves } from '../repositories/report-repository.ts';
import * as stored from '../repositories/report-versions-repository.ts';
import { insertVersion } from '../repositories/report-versions-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import { policyChanges } from '../domain/handling-policy.ts';
import { createHandlingPolicyService } from './handling-policy.ts';
import type { Deps } from './index.ts';

/** Frozen versions as the renderers read them (the repository stores the report JSON unparsed). */
async function listVersions(db: Db, period?: string): Promise<FrozenVersion[]> {
  return (await stored.listVersions(db, period)).map(toFrozenVersion);
}
/** The same versions with the files each was frozen with (where kept), for serving and publishing them. */
async function withFiles(db: Db, versions: FrozenVersion[]): Promise<FrozenVersion[]> {
  const files = await stored.findVersionFiles(db, versions);
  return versions.map((v) => {
    const f = files.get(`${v.period}/${v.number}`);
    return f ? { ...v, files: f } : v;
  });
}
async function findVersion(db: Db, period: string, number: number): Promise<FrozenVersion | undefined> {
  const r = await stored.findVersion(db, period, number);
  return r && toFrozenVersion(r);
}
async function latestVersion(db: Db, period: string): Promise<FrozenVersion | undefined> {
  const r = await stored.latestVersion(db, period);
  return r && toFrozenVersion(r);
}

/** Transparency reports: draft, freeze, correct, diff and render (DESIGN.md, core loop steps 5 and 6). */

export interface Draft {
  data: ReportData;
  /** The latest frozen version, if any; `drift` is measured against it. */
  latest: number | null;
  /** Cells whose value in the record today differs from the latest frozen version. */
  drift: Change[];
  /** "How we handle requests" sections changed since the latest frozen version, in words. */
  policyDrift: string[];
}

export interface CorrectionInput {
  /** Why the report is corrected (required). */
  why: string;
  /** How the new figures were obtained (required). */
  method: string;
  /** What changed; by default a list of the changed cells. */
  what?: string;
  /** Why a period that has not ended is corrected already (required then; the report says "partial period"). */
  allowPartial?: string;
  /**
   * Counsel's recorded reason for publishing a correction that reveals requests moving into or out of
   * national-security process (refused without it; only an admin, who holds the approver's powers).
   */
  approveNsDisclosure?: string;
}

const dateOf = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Issue 19.2: a correction whose exact tables move because requests were reclassified into or out of
 * national-security process would let anyone compute an exact national-security count (the difference
 * between two published versions), which 50 U.S.C. 1874 forbids. Refused unless counsel approves it in
 * writing; only an admin may (correcting needs the publisher's powers, approving the approver's).
 */
function nsDisclosureCheck(
  actor: Actor,
  moves: { into: number; out_of: number },
  previousNumber: number | undefined,
  reason: string | undefined,
): { into: number; out_of: number; reason: string } | null {
  if (moves.into + moves.out_of === 0) return null;
  const what = [
    moves.into
      ? `${moves.into} request${moves.into === 1 ? '' : 's'} moved into national-security process`
      : '',
    moves.out_of
      ? `${moves.out_of} request${moves.out_of === 1 ? '' : 's'} moved out of national-security process`
      : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const reveal =
    `this correction would reveal that ${what} since version ${previousNumber}: the exact tables would ` +
    'change by that many between the two published versions, so anyone could compute an exact ' +
    'national-security count (50 U.S.C. 1874)';
  if (!reason?.trim()) {
    throw new CandorError(
      'invalid_state',
      `${reveal}. Refused; counsel may approve publishing it with a recorded reason (--approve-ns-disclosure, API approve_ns_disclosure; admin only)`,
      [
        {
          field: 'approve_ns_disclosure',
          message: 'counsel must approve revealing a national-security move',
        },
      ],
    );
  }
  if (actor.role !== 'admin') {
    throw new CandorError(
      'forbidden',
      `${reveal}; only an admin (counsel, with the approver's powers) may approve it`,
    );
  }
  if (reason.trim().length < 10) {
    throw new CandorError('invalid', "give counsel's reason (10 characters or more)", [
      { field: 'approve_ns_disclosure', message: 'at least 10 characters' },
    ]);
  }
  return { ...moves, reason: reason.trim() };
}

function periodId(period: string): string {
  try {
    return parsePeriod(period).id;
  } catch (e) {
    throw new CandorError('invalid', (e as Error).message, [
      { field: 'period', message: (e as Error).message },
    ]);
  }
}

/**
 * A half-year that has not ended can be previewed (build, render) but not frozen, since "in process at the
 * end of the period" and every count would still move; `allowPartial` with a reason freezes it anyway, marked.
 */
function partialPeriod(
  period: string,
  now: Date,
  allowPartial: string | undefined,
): { reason: string } | undefined {
  const p = parsePeriod(period);
  if (p.endExclusiveInstant <= now.toISOString()) return undefined;
  const reason = allowPartial?.trim();
  if (reason) return { reason };
  const message =
    `${p.id} has not ended (its last day is ${p.end}): preview it with build, or freeze it early only with ` +
    `--allow-partial and a reason (the report then says "partial period" on every page)`;
  throw new CandorError('invalid_state', message, [{ field: 'allow_partial', message }]);
}

function checkDate(date: string): void {
  const t = Date.parse(`${date}T00:00:00Z`);
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(t) && new Date(t).toISOString().startsWith(date);
  if (!ok) {
    const message = `expected a date YYYY-MM-DD, got "${date}"`;
    throw new CandorError('invalid', `publication date: ${message}`, [
      { field: 'publication_date', message },
    ]);
  }
}

export function createReportService({ db, config, clock }: Deps) {
  const provider = { name: config.providerName };
  const handlingPolicy = createHandlingPolicyService({ db, config, clock });

  async function compute(
    executor: Db,
    period: string,
    o: {
      now: Date;
      publicationDate?: string;
      previous?: FrozenVersion;
      version?: ReportData['version'];
      partial?: { reason: string };
    },
  ) {
    const refusal = optionRefusal(config.nsOption, period);
    if (refusal) {
      throw new CandorError('invalid', refusal, [{ field: 'CANDOR_NS_OPTION', message: refusal }]);
    }
    const head = await headEvent(executor);
    return computeReport(executor, {
      period,
      provider,
      nsOption: config.nsOption,
      foreignNs: config.foreignNs,
      publicationLagDays: config.publicationLagDays,
      dsaAppliesFrom: config.dsaAppliesFrom,
      // A correction keeps the publication date its national-security windows were computed for.
      publicationDate:
        o.publicationDate ?? o.previous?.data.tables.national_security?.publication_date ?? dateOf(o.now),
      now: o.now,
      previous: o.previous?.data,
      version: o.version,
      auditHead: head?.hash ?? null,
      partial: o.partial,
      handlingPolicy: await handlingPolicy.forReport(),
    });
  }

  /**
   * Reads in one snapshot (a read-only REPEATABLE READ transaction): every table of a report then agrees with
   * every other and with the audit head it names, however busy the record is while it is computed.
   */
  function inSnapshot<T>(read: (trx: Db) => Promise<T>): Promise<T> {
    return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
  }

  // A draft over a busy half-year takes long to compute (~0.5 s at 1,000,000 requests, ~8 s at 10,000,000)
  // and the report desk shows one on every view: kept until the audit log moves (every change to requests
  // and every frozen version appends to it), for the same day (the default publication date), a minute at
  // most (hand edits in psql, which the log never sees).
  const drafts = createAuditHeadMemo<{ latest: FrozenVersion | undefined; data: ReportData }>(db, 60_000, 8);

  /** The latest frozen version and the draft computed against it, from one snapshot. */
  function draftOf(period: string, o: { now: Date; publicationDate?: string }) {
    const key = `${period} ${o.publicationDate ?? ''} ${dateOf(o.now)}`;
    return drafts.get(key, o.now, () =>
      inSnapshot(async (trx) => {
        const latest = await latestVersion(trx, period);
        return { latest, data: await compute(trx, period, { ...o, previous: latest }) };
      }),
    );
  }

  /**
   * Computes version `number` from one snapshot, renders it, then stores it with its audit event in one
   * transaction. (Not one transaction for both: the audit append must see the latest committed head, which a
   * snapshot taken earlier would not. A version stored meanwhile is a conflict, by the unique key.)
   */
  async function store(
    actor: Actor,
    period: string,
    number: number,
    change: { what: string; why: string; method: string } | null,
    allowPartial?: string,
    publicationDate?: string,
    approveNsDisclosure?: string,
  ): Promise<FrozenVersion> {
    const now = clock();
    const partial = partialPeriod(period, now, allowPartial);
    try {
      const { previous, draft, published, moves } = await inSnapshot(async (trx) => {
        const previous = number > 1 ? await findVersion(trx, period, number - 1) : undefined;
        return {
          previous,
          draft: await compute(trx, period, { now, previous, partial, publicationDate }),
          // DSA Annex I Part 1 needs the date of the latest previous report of any period.
          published: (await listVersions(trx)).map((v) => dsaIdentification(v.data).publication_date),
          moves: previous
            ? await nationalSecurityMoves(
                trx,
                {
                  from: parsePeriod(period).startInstant,
                  to: parsePeriod(period).endExclusiveInstant,
                },
                previous.audit_head,
              )
            : { into: 0, out_of: 0 },
        };
      });
      const nsDisclosure = nsDisclosureCheck(actor, moves, previous?.number, approveNsDisclosure);
      if (number > 1 && !previous) {
        throw new CandorError('conflict', `version ${number - 1} of ${period} is not there; try again`);
      }
      // The policy text is part of the version: an edit alone is a correction, said in words.
      const policyWords = previous
        ? policyChanges(previous.data.handling_policy?.sections, draft.handling_policy?.sections)
        : [];
      if (previous && draft.tables.changes.length === 0 && policyWords.length === 0) {
        throw new CandorError(
          'invalid_state',
          `nothing changed since version ${previous.number} of ${period}: no correction to make`,
        );
      }
      const first = {
        version: 1,
        date: dateOf(now),
        what: 'First publication.',
        why: 'Regular transparency report for the period.',
        method: `Computed from the request record as of ${now.toISOString().slice(0, 19)}Z.`,
      };
      // The changelog entry is written once the changes are known (the default "what" lists them).
      const entry = change
        ? {
            version: number,
            date: dateOf(now),
            what:
              change.what ||
              [...draft.tables.changes.map((c) => describeChange(c)), ...policyWords].join('; '),
            why: change.why,
            method: change.method,
          }
        : first;
      // The DSA Part 1 dates are fixed now and stored with the version, so every later rendering (the
      // frozen hashes, the API, the published repository) writes the same bytes.
      const dsaPublished = draft.tables.national_security?.publication_date ?? dateOf(now);
      const dsaPrevious = published.filter((d) => d < dsaPublished).sort();
      const data: ReportData = {
        ...draft,
        tables: draft.tables.dsa
          ? {
              ...draft.tables,
              dsa: {
                ...draft.tables.dsa,
                publication_date: dsaPublished,
                previous_publication_date: dsaPrevious[dsaPrevious.length - 1] ?? null,
              },
            }
          : draft.tables,
        version: {
          number,
          status: 'frozen',
          updated: number > 1,
          changelog: [...(previous?.data.version.changelog ?? []), entry],
        },
      };
      const files = await renderFiles(data);
      const version: FrozenVersion = {
        period,
        number,
        frozen_at: now.toISOString(),
        audit_head: data.audit_head,
        data,
        file_hashes: fileHashes(files),
      };
      return await db.transaction().execute(async (trx) => {
        await insertVersion(
          trx,
          {
            ...version,
            frozen_at: now,
            change: change
              ? { what: entry.what, why: entry.why, method: entry.method, date: entry.date }
              : null,
          },
          files,
        );
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: number === 1 ? 'report.freeze' : 'report.correct',
          entity: 'report',
          entityId: `${period}-v${number}`,
          after: {
            period,
            number,
            audit_head: version.audit_head,
            file_hashes: version.file_hashes,
            changes: data.tables.changes.length,
            ...(change ? { why: entry.why, method: entry.method } : {}),
            ...(nsDisclosure ? { ns_disclosure: nsDisclosure } : {}),
          },
        });
        return version;
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        throw new CandorError('conflict', `version ${number} of ${period} was stored meanwhile; try again`);
      }
      throw fromDatabaseError(e, `report ${period} version ${number}`);
    }
  }

  async function mustFind(period: string, number: number): Promise<FrozenVersion> {
    const v = await findVersion(db, period, number);
    if (!v) throw new CandorError('not_found', `report ${period} has no version ${number}`);
    return v;
  }

  return {
    /** The "How we handle requests" policy: read for the editing form, saved by a publisher. */
    policy: { read: handlingPolicy.read, save: handlingPolicy.save },

    /** The draft report from today's record, with its drift from the latest frozen version. */
    async build(
      actor: Actor,
      period: string,
      o: { now?: Date; publicationDate?: string } = {},
    ): Promise<Draft> {
      authorize(actor, 'report.read');
      const { latest, data } = await draftOf(periodId(period), {
        now: o.now ?? clock(),
        publicationDate: o.publicationDate,
      });
      return {
        data,
        latest: latest?.number ?? null,
        drift: latest ? data.tables.changes : [],
        policyDrift: latest
          ? policyChanges(latest.data.handling_policy?.sections, data.handling_policy?.sections)
          : [],
      };
    },

    /** The date a period's report is published unless told otherwise: its last day plus the configured lag. */
    defaultPublicationDate(period: string): string {
      return defaultPublicationDate(parsePeriod(periodId(period)).end, config.publicationLagDays);
    },

    /**
     * Stores version 1 of a period's report; a period already frozen is corrected, not frozen again. The
     * publication date (default: today) fixes the national-security windows and is kept with the version.
     * A period that has not ended is refused unless `allowPartial` gives a reason (the report then says so).
     */
    async freeze(
      actor: Actor,
      period: string,
      o: { publicationDate?: string; allowPartial?: string } = {},
    ): Promise<FrozenVersion> {
      authorize(actor, 'report.freeze');
      const id = periodId(period);
      if (o.publicationDate !== undefined) checkDate(o.publicationDate);
      const latest = await latestVersion(db, id);
      if (latest) {
        throw new CandorError(
          'invalid_state',
          `report ${id} is already frozen (version ${latest.number}); use correct to publish a new version`,
        );
      }
      return store(actor, id, 1, null, o.allowPartial, o.publicationDate);
    },

    /**
     * Freezes every complete half-year (a year under option (a)(4)) ended before today from the first request on record that has no
     * frozen version yet, oldest first. Each period is frozen in its own transaction, so a failure keeps
     * the periods frozen before it; running it again carries on where it stopped.
     */
    async freezeAllComplete(
      actor: Actor,
      o: { onFrozen?: (v: FrozenVersion) => void } = {},
    ): Promise<{ frozen: FrozenVersion[]; alreadyFrozen: string[] }> {
      authorize(actor, 'report.freeze');
      const first = await firstReceivedAt(db);
      const today = dateOf(clock());
      if (!first) return { frozen: [], alreadyFrozen: [] };
      const day = (d: string) => `${d}..${d}`;
      // Under an annual national-security option ((a)(4)) the report is a year's; otherwise half-years.
      const halves = halfYearsBetween(day(dateOf(first)), day(today));
      const periods =
        OPTION_RULES[config.nsOption].frequency === 'annual'
          ? [...new Set(halves.map((p) => p.slice(0, 4)))]
          : halves;
      const complete = periods.filter((p) => parsePeriod(p).end < today);
      const frozenPeriods = new Set((await listVersions(db)).map((v) => v.period));
      const frozen: FrozenVersion[] = [];
      for (const period of complete.filter((p) => !frozenPeriods.has(p))) {
        // Each period its own date, so its national-security windows cover its own days (1874(b)).
        const date = defaultPublicationDate(parsePeriod(period).end, config.publicationLagDays);
        const v = await store(actor, period, 1, null, undefined, date);
        frozen.push(v);
        o.onFrozen?.(v);
      }
      return { frozen, alreadyFrozen: complete.filter((p) => frozenPeriods.has(p)) };
    },

    /** Stores version N+1 with a changelog entry; refused when nothing changed or nothing was frozen. */
    async correct(actor: Actor, period: string, input: CorrectionInput): Promise<FrozenVersion> {
      authorize(actor, 'report.freeze');
      const id = periodId(period);
      const issues = [
        ...(input.why?.trim() ? [] : [{ field: 'reason', message: 'say why the report is corrected' }]),
        ...(input.method?.trim()
          ? []
          : [{ field: 'method', message: 'say how the new figures were obtained' }]),
      ];
      if (issues.length) throw new CandorError('invalid', 'a correction needs a reason and a method', issues);
      const latest = await latestVersion(db, id);
      if (!latest)
        throw new CandorError(
          'invalid_state',
          `report ${id} has no frozen version to correct; freeze it first`,
        );
      return store(
        actor,
        id,
        latest.number + 1,
        {
          what: input.what?.trim() ?? '',
          why: input.why.trim(),
          method: input.method.trim(),
        },
        input.allowPartial,
        undefined,
        input.approveNsDisclosure,
      );
    },

    /** Every cell that differs between two frozen versions. */
    async diff(actor: Actor, period: string, from: number, to: number): Promise<Change[]> {
      authorize(actor, 'report.read');
      const id = periodId(period);
      const [a, b] = [await mustFind(id, from), await mustFind(id, to)];
      return diffReports(a.data, b.data);
    },

    /** Every frozen version (of one period); `files`: with the bytes each was frozen with, where kept. */
    async frozenVersions(
      actor: Actor,
      period?: string,
      o: { files?: boolean } = {},
    ): Promise<FrozenVersion[]> {
      authorize(actor, 'report.read');
      const versions = await listVersions(db, period === undefined ? undefined : periodId(period));
      return o.files ? withFiles(db, versions) : versions;
    },

    /** One frozen version, or the latest when `number` is omitted. */
    async version(actor: Actor, period: string, number?: number): Promise<FrozenVersion> {
      authorize(actor, 'report.read');
      const id = periodId(period);
      if (number !== undefined) return mustFind(id, number);
      const latest = await latestVersion(db, id);
      if (!latest) throw new CandorError('not_found', `report ${id} has not been frozen`);
      return latest;
    },

    /**
     * The standards scorecard of a period's report (docs/reports.md, "Standards scorecard"): of a frozen
     * version if given, else of the draft from today's record.
     */
    async standards(
      actor: Actor,
      period: string,
      o: { version?: number; now?: Date; publicationDate?: string } = {},
    ): Promise<{ period: string; version: number | null } & Scorecard> {
      authorize(actor, 'report.read');
      const id = periodId(period);
      if (o.version !== undefined) {
        const v = await mustFind(id, o.version);
        return { period: id, version: v.number, ...scorecard(v.data) };
      }
      const { data } = await draftOf(id, { now: o.now ?? clock(), publicationDate: o.publicationDate });
      return { period: id, version: null, ...scorecard(data) };
    },

    /**
     * The files of one format (a frozen version, else the draft). A frozen version's bytes are checked
     * against the hashes stored when it was frozen, so what is served is what was published.
     */
    async render(
      actor: Actor,
      period: string,
      format: Format,
      o: { version?: number; publicationDate?: string } = {},
    ): Promise<Map<string, Buffer>> {
      authorize(actor, 'report.read');
      const id = periodId(period);
      if (o.version === undefined) {
        const { data } = await draftOf(id, { now: clock(), publicationDate: o.publicationDate });
        return renderFiles(data, [format]);
      }
      const v = await mustFind(id, o.version);
      // The bytes it was frozen with, where kept; a version frozen before they were is rendered again.
      const [kept] = await withFiles(db, [v]);
      const want = FORMAT_FILES[format].filter((p) => v.file_hashes[p]);
      if (kept?.files && want.length > 0 && want.every((p) => kept.files!.has(p))) {
        return new Map(want.map((p) => [p, kept.files!.get(p)!]));
      }
      const files = await renderFiles(v.data, [format]);
      const stale = FORMAT_FILES[format].filter(
        (p) => files.has(p) && fileHashes(new Map([[p, files.get(p)!]]))[p] !== v.file_hashes[p],
      );
      if (stale.length) {
        throw new CandorError(
          'internal',
          `${stale.join(', ')} of ${id} v${v.number} no longer render to the frozen bytes`,
        );
      }
      return files;
    },
  };
}
export type ReportService = ReturnType<typeof createReportService>;
