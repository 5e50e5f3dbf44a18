import type { Db } from '../db/connect.ts';
import { country, usStateName } from '../domain/countries.ts';
import {
  bandForeignNationalSecurity,
  bandedJurisdictions,
  type ForeignNsConfig,
} from '../domain/foreign-national-security.ts';
import {
  bandNationalSecurity,
  OPTION_RULES,
  reportingWindows,
  type DateWindow,
  type NationalSecurityOption,
  type NationalSecurityTable,
} from '../domain/national-security.ts';
import { defaultPublicationDate, uncoveredDays, type WindowKind } from '../domain/ns-coverage.ts';
import { parsePeriod, type Period } from '../domain/periods.ts';
import { dsaKeywordsOf } from '../domain/dsa-keywords.ts';
import type { Section } from '../domain/report-sections.ts';
import {
  LEGAL_CHANNELS,
  DSA_CATEGORIES,
  type DsaCategory,
  IDENTIFIER_KINDS,
  OUTCOMES,
  PROCESS_TYPES,
  type ProcessType,
} from '../domain/vocabulary.ts';
import {
  accountGrain,
  civilGrain,
  dsaGrain,
  foreignNationalSecurityCounts,
  historyOverrideCount,
  nationalSecurityCounts,
  requestGrain,
  type AccountGrainRow,
  type DsaGrainRow,
  type OutcomeColumns,
  type RequestGrainRow,
  type Span,
} from '../repositories/report-repository.ts';
import { accessModeGrain, challengeGrain, informalGrain } from '../repositories/report-process-repository.ts';
import { takedownBreakdowns } from './compute-takedown.ts';
import { diffReports } from './diff.ts';
import { processTablesOf } from './process-tables.ts';
import { validateReport } from './render/json.ts';
import { scorecard } from './scorecard.ts';
import {
  dataProducedOf,
  REGIONS,
  REPORT_SCHEMA_VERSION,
  type DsaRow,
  type OutcomeCounts,
  type ReportData,
} from './report-data.ts';
import { COUNTING_RULES, DEFINITIONS } from './wording.ts';

/**
 * Computes a period's transparency report from the record. This is the only step of the report pipeline
 * that reads the database; everything after it (renderers, versions, diffs) works on the returned data.
 */

/** EU DSA Art. 93(2): the Regulation applies from 17 February 2024 (to VLOPs and VLOSEs earlier). */
export const DSA_APPLIES_FROM = '2024-02-17';

export interface ComputeOptions {
  /** The "How we handle requests" section as of now (services/handling-policy.ts); frozen with the version. */
  handlingPolicy?: ReportData['handling_policy'];
  /** `2015-H1`, `2015` or `2015-01-01..2015-03-31` */
  period: string;
  provider: { name: string; service?: string };
  nsOption: NationalSecurityOption;
  /**
   * How foreign national-security orders are reported, per jurisdiction (CANDOR_FOREIGN_NS); unset or `{}`:
   * not at all, and the report says nothing about them.
   */
  foreignNs?: ForeignNsConfig;
  /** YYYY-MM-DD: the planned publication date, which fixes the national-security windows (1874(b)). */
  publicationDate: string;
  /**
   * Days after a period's end its report is published by default (CANDOR_NS_PUBLICATION_LAG_DAYS, 1 by
   * default): where the days no window of this report covers will appear, and the date of the first
   * half-year's bands in an annual report.
   */
  publicationLagDays?: number;
  /**
   * YYYY-MM-DD, the day EU DSA Art. 15 reporting applies to the provider (default 2024-02-17, Art. 93(2);
   * VLOPs and VLOSEs earlier). A period that ends before it has no DSA table: its Annex I figures are blank,
   * not 0 (Annex II: blank where the obligation cannot apply).
   */
  dsaAppliesFrom?: string;
  /** The state of the record the figures reflect: generated_at and accurate_as_of. */
  now: Date;
  /** The latest frozen version: `changes` lists the cells that differ from it. */
  previous?: ReportData;
  /** Version metadata; a draft by default (number = previous + 1). */
  version?: ReportData['version'];
  auditHead?: string | null;
  /** Frozen before the period ended (allowed with a reason): every page says "partial period". */
  partial?: { reason: string };
}

const instant = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** The notice table of one request-grain row (the headline total, or data demands or takedowns alone). */
function noticeOf(r: RequestGrainRow | undefined): ReportData['tables']['notice'] {
  const n = (k: keyof RequestGrainRow) => (r?.[k] as number | undefined) ?? 0;
  return {
    given: n('notice_sent'),
    prevented_by_order: n('notice_prohibited'),
    of_which_indefinite: n('notice_prohibited_indefinite'),
    delayed_emergency: n('notice_delayed_emergency'),
    not_possible: n('notice_not_possible'),
    given_after_order_expired: n('notice_sent_after_order'),
    not_applicable: n('notice_not_applicable'),
    pending: n('notice_pending'),
    not_recorded: n('notice_not_recorded'),
  };
}

function outcomesOf(r: (OutcomeColumns & { in_process: number }) | undefined): OutcomeCounts {
  const o = Object.fromEntries(OUTCOMES.map((k) => [k, r?.[k] ?? 0])) as Record<
    (typeof OUTCOMES)[number],
    number
  >;
  return { ...o, in_process: r?.in_process ?? 0 };
}

/** A 1874(b) day window as the half-open instant span the queries use. */
function spanOf(w: DateWindow): Span {
  const from = `${w.start}T00:00:00.000Z`;
  const to = new Date(Date.parse(`${w.end}T00:00:00Z`) + 86_400_000).toISOString();
  return { from, to };
}

export async function computeReport(db: Db, o: ComputeOptions): Promise<ReportData> {
  const period: Period = parsePeriod(o.period);
  const span = { from: period.startInstant, to: period.endExclusiveInstant };

  // Sequential on purpose: the embedded database is one session, and parallel queries only queue.
  const byRequest = await requestGrain(db, span, o.now);
  const byAccount = await accountGrain(db, span);
  const dsa = await dsaGrain(db, span);
  const civil = await civilGrain(db, span);
  const overridden = await historyOverrideCount(db, span);
  const processTables = processTablesOf(
    await informalGrain(db, span),
    await accessModeGrain(db, span),
    await challengeGrain(db, span),
  );

  const nationalSecurity = await nationalSecurityTable(db, period, o);
  const foreignNs = await foreignNationalSecurityTable(db, span, o.foreignNs ?? {});

  // Headline sets count every request but national security; the section sets feed the detail tables.
  const req = (set: RequestGrainRow['set'], match: Partial<RequestGrainRow> = {}) =>
    byRequest.filter(
      (r) => r.set === set && Object.entries(match).every(([k, v]) => r[k as keyof RequestGrainRow] === v),
    );
  const acc = (set: AccountGrainRow['set'], match: Partial<AccountGrainRow> = {}) =>
    byAccount.find(
      (r) => r.set === set && Object.entries(match).every(([k, v]) => r[k as keyof AccountGrainRow] === v),
    );

  const info = req('total')[0];
  const infoAcc = acc('total');
  const requests = info?.requests ?? 0;
  const identifiers = infoAcc?.identifiers ?? 0;
  const accounts = infoAcc?.accounts ?? 0;
  const pct = (n: number, of: number) => (of === 0 ? null : n / of);

  const byCountry = req('country')
    .map((r) => {
      const c = country(r.country as string);
      return {
        region: c.region,
        country: r.country as string,
        country_name: c.name,
        requests: r.requests,
        accounts_specified: acc('country', { country: r.country })?.accounts ?? 0,
        outcomes: outcomesOf(r),
      };
    })
    .sort(
      (a, b) =>
        Number(b.country === 'US') - Number(a.country === 'US') ||
        REGIONS.indexOf(a.region) - REGIONS.indexOf(b.region) ||
        a.country_name.localeCompare(b.country_name, 'en'),
    );

  const level = (l: string) => ({
    requests: req('us_level', { is_us: true, us_level: l })[0]?.requests ?? 0,
    accounts_specified: acc('us_level', { is_us: true, us_level: l })?.accounts ?? 0,
  });

  const processOutcome = PROCESS_TYPES.flatMap((p: ProcessType) => {
    const r = req('process_type', { process_type: p })[0];
    if (!r) return [];
    const a = acc('process_type', { process_type: p });
    return [
      {
        process_type: p,
        requests: r.requests,
        accounts_specified: a?.accounts ?? 0,
        accounts_with_data_produced: a?.accounts_produced ?? 0,
        outcomes: outcomesOf(r),
      },
    ];
  });

  // Countries in the order of by_country, process types in vocabulary order.
  const countryOrder = byCountry.map((c) => c.country);
  const countryProcess = req('country_process').sort(
    (a, b) =>
      countryOrder.indexOf(a.country as string) - countryOrder.indexOf(b.country as string) ||
      PROCESS_TYPES.indexOf(a.process_type as ProcessType) -
        PROCESS_TYPES.indexOf(b.process_type as ProcessType),
  );
  const processByCountry = countryProcess.map((r) => ({
    country: r.country as string,
    process_type: r.process_type as ProcessType,
    requests: r.requests,
  }));
  const dataSought = countryProcess.map((r) => ({
    country: r.country as string,
    process_type: r.process_type as ProcessType,
    requests: r.requests,
    content: r.sought_content,
    non_content: r.sought_non_content,
    basic_subscriber: r.sought_basic_subscriber,
    nothing: r.sought_nothing,
  }));

  // Time to respond: each process type (both kinds, then emergency and not), then every process type.
  const responseRow = (processType: ProcessType | null, emergency: boolean | null) => {
    const set =
      processType === null
        ? emergency === null
          ? 'total'
          : 'emergency'
        : emergency === null
          ? 'process_type'
          : 'process_emergency';
    const r = req(set, {
      ...(processType === null ? {} : { process_type: processType }),
      ...(emergency === null ? {} : { emergency }),
    })[0];
    return {
      process_type: processType,
      emergency,
      requests: r?.requests ?? 0,
      responded: r?.responded ?? 0,
      median_hours: hours(r?.median_hours_to_respond ?? null),
      p90_hours: hours(r?.p90_hours_to_respond ?? null),
    };
  };
  const responseTime = [...processOutcome.map((p) => p.process_type), null].flatMap((p) =>
    [null, true, false].map((e) => responseRow(p, e)),
  );

  const identifierKinds = [...IDENTIFIER_KINDS, 'not_recorded' as const].flatMap((k) => {
    const r = req('identifier_kind', { identifier_kind: k })[0];
    if (!r) return [];
    const a = acc('identifier_kind', { identifier_kind: k });
    return [
      {
        identifier_kind: k,
        requests: r.requests,
        identifiers_specified: a?.identifiers ?? 0,
        accounts_specified: a?.accounts ?? 0,
      },
    ];
  });

  const emergencyPart = (isUs: boolean) => {
    const r = req('section_us', { section: 'emergency', is_us: isUs })[0];
    const a = acc('section_us', { section: 'emergency', is_us: isUs });
    return {
      requests: r?.requests ?? 0,
      accounts_specified: a?.accounts ?? 0,
      accounts_with_data_produced: a?.accounts_produced ?? 0,
      outcomes: outcomesOf(r),
    };
  };

  const section = (s: Section) => req('section', { section: s })[0];
  const preservation = section('preservation');
  const takedown = section('takedown');
  const takedownAcc = acc('section', { section: 'takedown' });
  const channelsOf = (set: RequestGrainRow['set'], match: Partial<RequestGrainRow> = {}) =>
    Object.fromEntries(
      LEGAL_CHANNELS.map((c) => [c, req(set, { ...match, channel: c })[0]?.requests ?? 0]),
    ) as Record<(typeof LEGAL_CHANNELS)[number], number>;
  const channels = channelsOf('channel');
  // Data demands (every headline section but takedown) and takedowns apart, row by row.
  const demand = (dataDemand: boolean) => req('demand', { data_demand: dataDemand })[0];
  const dataDemands = demand(true)?.requests ?? 0;
  const byDemandCountry = (dataDemand: boolean) =>
    countryOrder.flatMap((c) => {
      const r = req('demand_country', { data_demand: dataDemand, country: c })[0];
      return r ? [r] : [];
    });

  const data: ReportData = {
    schema_version: REPORT_SCHEMA_VERSION,
    provider: { ...o.provider },
    period: {
      id: period.id,
      start: period.start,
      end: period.end,
      ...(o.partial
        ? { partial: { through: o.now.toISOString().slice(0, 10), reason: o.partial.reason } }
        : {}),
    },
    generated_at: instant(o.now),
    accurate_as_of: instant(o.now),
    version: o.version ?? {
      number: (o.previous?.version.number ?? 0) + 1,
      status: 'draft',
      updated: o.previous !== undefined,
      changelog: o.previous ? [...o.previous.version.changelog] : [],
    },
    audit_head: o.auditHead ?? null,
    tables: {
      summary: {
        requests: { count: requests, pct: pct(requests, requests), base: 'requests' },
        identifiers_specified: {
          count: identifiers,
          pct: pct(identifiers, identifiers),
          base: 'identifiers_specified',
        },
        accounts_specified: { count: accounts, pct: pct(accounts, accounts), base: 'accounts_specified' },
        accounts_with_data_produced: {
          count: infoAcc?.accounts_produced ?? 0,
          pct: pct(infoAcc?.accounts_produced ?? 0, accounts),
          base: 'accounts_specified',
        },
        in_process: {
          count: info?.in_process_at_end ?? 0,
          pct: pct(info?.in_process_at_end ?? 0, requests),
          base: 'requests',
        },
        data_demands: { count: dataDemands, pct: pct(dataDemands, requests), base: 'requests' },
      },
      by_country: byCountry,
      us_by_level: {
        federal: level('federal'),
        state: level('state'),
        local: level('local'),
        other: level('other'),
        not_recorded: level('not_recorded'),
      },
      us_by_state: req('us_state')
        .filter((r) => r.us_state !== null)
        .map((r) => ({
          subdivision: r.us_state as string,
          name: usStateName(r.us_state as string),
          requests: r.requests,
        }))
        .sort((a, b) => a.subdivision.localeCompare(b.subdivision)),
      process_outcome: processOutcome,
      process_by_country: processByCountry,
      data_sought: dataSought,
      response_time: responseTime,
      identifier_kinds: identifierKinds,
      // Some data produced, of the requests answered with a known outcome (Google's and Apple's percentage).
      data_produced: dataProducedOf({
        process_outcome: processOutcome,
        by_country: byDemandCountry(true).map((r) => ({
          country: r.country as string,
          requests: r.requests,
          outcomes: outcomesOf(r),
        })),
      }),
      account_actions: {
        accounts_restricted: infoAcc?.accounts_restricted ?? 0,
        accounts_deleted: infoAcc?.accounts_deleted ?? 0,
      },
      emergency: { us: emergencyPart(true), non_us: emergencyPart(false) },
      preservation: {
        requests: preservation?.requests ?? 0,
        extensions: preservation?.extensions ?? 0,
        accounts_preserved: acc('section', { section: 'preservation' })?.accounts_preserved ?? 0,
      },
      takedown: {
        requests: takedown?.requests ?? 0,
        // Items: per request, as the request counted them, or else the identifiers it named.
        items: takedown?.items ?? 0,
        outcomes: outcomesOf(takedown),
        accounts_specified: takedownAcc?.accounts ?? 0,
        accounts_restricted: takedownAcc?.accounts_restricted ?? 0,
        by_country: byDemandCountry(false).map((r) => ({
          country: r.country as string,
          requests: r.requests,
          items: r.items,
          accounts_specified:
            acc('section_country', { section: 'takedown', country: r.country })?.accounts ?? 0,
        })),
        international_channel: channelsOf('demand_channel', { data_demand: false }),
        notice: noticeOf(demand(false)),
        ...takedownBreakdowns(req, acc, countryOrder, outcomesOf),
      },
      data_demands: {
        by_country: byDemandCountry(true).map((r) => ({
          country: r.country as string,
          requests: r.requests,
        })),
        international_channel: channelsOf('demand_channel', { data_demand: true }),
        notice: noticeOf(demand(true)),
      },
      notice: noticeOf(info),
      international_channel: channels,
      pushback: {
        rejected: info?.rejected ?? 0,
        narrowed: info?.narrowed ?? 0,
        withdrawn: info?.withdrawn ?? 0,
        withdrawn_after_notice_policy: info?.withdrawn_after_notice_policy ?? 0,
        court_challenges: processTables.court_challenges,
      },
      informal_requests: processTables.informal_requests,
      access_mode: processTables.access_mode,
      civil_litigants: {
        requests: civil.requests,
        identifiers_specified: civil.identifiers,
        accounts_specified: civil.accounts,
        accounts_with_data_produced: civil.accounts_produced,
        in_process: civil.in_process_at_end,
        outcomes: outcomesOf(civil),
      },
      history_overrides: { requests: overridden },
      national_security: nationalSecurity,
      ...(foreignNs ? { foreign_national_security: foreignNs } : {}),
      dsa:
        period.end < (o.dsaAppliesFrom ?? DSA_APPLIES_FROM)
          ? null
          : dsaTable(dsa, o.provider.service ?? o.provider.name),
      changes: [],
    },
    definitions: DEFINITIONS.map((d) => ({ ...d })),
    counting_rules: [...COUNTING_RULES],
    ...(o.handlingPolicy ? { handling_policy: o.handlingPolicy } : {}),
  };
  if (o.previous) data.tables.changes = diffReports(o.previous, data);
  // The annex scores the tables above; it is not a table, so it never shows as a change between versions.
  data.standards = scorecard(data);
  validateReport(data);
  return data;
}

/** Banded for the publication date's windows; exact counts live only inside `banded`. */
async function banded(db: Db, option: NationalSecurityOption, publicationDate: string) {
  const windows = reportingWindows(option, publicationDate);
  const nsl = windows.nsl ?? windows.combined;
  const fisa = windows.fisa ?? windows.combined;
  return bandNationalSecurity(
    option,
    await nationalSecurityCounts(db, { nsl: spanOf(nsl!), fisa: spanOf(fisa!) }),
    publicationDate,
  );
}

/**
 * The national-security table with the days its windows leave out. An annual report under a half-year
 * option shows each half-year's bands, the first as published at its end plus the lag, the second as of
 * the report's publication date (as providers that report yearly do).
 */
async function nationalSecurityTable(
  db: Db,
  period: Period,
  o: ComputeOptions,
): Promise<NationalSecurityTable> {
  const lag = o.publicationLagDays ?? 1;
  const halves = /^\d{4}$/.test(period.id) && OPTION_RULES[o.nsOption].frequency === 'semiannual';
  let table: NationalSecurityTable;
  if (halves) {
    const h1 = parsePeriod(`${period.id}-H1`);
    const first = await banded(db, o.nsOption, defaultPublicationDate(h1.end, lag));
    const second = await banded(db, o.nsOption, o.publicationDate);
    table = {
      ...second,
      entries: [
        ...first.entries.map((e) => ({ ...e, period: h1.id })),
        ...second.entries.map((e) => ({ ...e, period: `${period.id}-H2` })),
      ],
    };
  } else table = await banded(db, o.nsOption, o.publicationDate);
  const own: Partial<Record<WindowKind, DateWindow[]>> = {};
  for (const e of table.entries) {
    const k: WindowKind = e.kind === 'nsl' || e.kind === 'combined' ? e.kind : 'fisa';
    own[k] = [...(own[k] ?? []).filter((w) => w.start !== e.window.start), e.window];
  }
  return { ...table, uncovered: uncoveredDays(o.nsOption, period.id, o.publicationDate, lag, own) };
}

/**
 * Foreign national-security orders of the period, banded per configured jurisdiction; null (and no query) when
 * none is reported in bands. Exact counts live only inside this function.
 */
async function foreignNationalSecurityTable(db: Db, span: Span, config: ForeignNsConfig) {
  if (bandedJurisdictions(config).length === 0) return null;
  return bandForeignNationalSecurity(config, await foreignNationalSecurityCounts(db, span));
}

const hours = (h: number | null): number | null => (h === null ? null : Math.round(h * 100) / 100);

/** DSA Part 3 rows: TOTAL and each category, for TOTAL and each Member State that sent an order. */
function dsaTable(rows: DsaGrainRow[], service: string): NonNullable<ReportData['tables']['dsa']> {
  const order = (c: string | null) => (c === null ? -1 : DSA_CATEGORIES.indexOf(c as never));
  // The category's own row first, then its keywords in template order.
  const keywordOrder = (r: DsaGrainRow) =>
    r.keyword === null ? -1 : dsaKeywordsOf(r.category as DsaCategory).indexOf(r.keyword);
  const memberStates = [
    ...new Set(rows.map((r) => r.member_state).filter((m): m is string => m !== null)),
  ].sort();
  const out: DsaRow[] = [...rows]
    .filter((r) => rows.length > 1 || r.orders_to_act + r.orders_to_provide_information > 0)
    .sort(
      (a, b) =>
        Number(a.member_state !== null) - Number(b.member_state !== null) ||
        (a.member_state ?? '').localeCompare(b.member_state ?? '') ||
        order(a.category) - order(b.category) ||
        keywordOrder(a) - keywordOrder(b),
    )
    .map((r) => ({
      category: (r.category ?? 'TOTAL') as DsaRow['category'],
      keyword: r.keyword,
      other_description: r.other_description,
      scope: r.member_state ?? 'TOTAL',
      // Annex II: a count is 0 where the obligation applies and nothing came; a median of nothing is blank.
      orders_to_act: r.orders_to_act,
      items: r.items,
      median_hours_to_acknowledge: hours(r.ack_hours),
      median_hours_to_effect: hours(r.effect_hours),
      orders_to_provide_information: r.orders_to_provide_information,
      median_hours_to_acknowledge_information: hours(r.ack_hours_information),
      median_hours_to_effect_information: hours(r.effect_hours_information),
    }));
  return { applicability: 'All', service, member_states: memberStates, rows: out };
}
