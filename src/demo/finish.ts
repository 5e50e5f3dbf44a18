import { responseDueAt } from '../domain/deadlines.ts';
import { emergencyNoticeDueAt } from '../domain/emergency.ts';
import type { PolicyConfig } from '../domain/policy-config.ts';
import type { ValidRequest } from '../domain/request-input.ts';
import type { IdentifierKind, NoticeStatus, Outcome } from '../domain/vocabulary.ts';
import { type Foreign, FOREIGN } from './agencies.ts';
import { DAY, HOUR, iso } from './calendar.ts';
import type { Draft } from './draft-parts.ts';
import type { Rng } from './rng.ts';

/**
 * How far ahead of `now` a team that kept up has done its work: nothing falls due in the demo's first hours, so
 * its due view does not change by itself while someone looks at it — but for a notice whose emergency delay runs
 * out in them, which may not be sent a moment before.
 */
export const KEPT_UP_AHEAD_MS = 2 * 3_600_000;

/**
 * The demo's history before this instant is what the provider published, brought in from its old system: the
 * kind of identifier and whether a customer was told were not recorded per request (issue 19.6). Later
 * requests record both. Only derived values change with it, never the random stream.
 */
export const RECORDED_FROM = Date.UTC(2017, 0, 1);

// ---- targets ---------------------------------------------------------------------------------------------

/**
 * Spreads the pool over the drafts' account slots so that every pool account is named at least once:
 * the distinct-account count of the period is exactly the pool size.
 */
export function assignAccounts(rng: Rng, drafts: Draft[], pool: string[]): void {
  const slots: Draft[] = [];
  for (const d of drafts) for (let i = 0; i < d.slots; i++) slots.push(d);
  const eligible = drafts.filter((d) => d.slots > 0);
  while (slots.length < pool.length && eligible.length > 0) {
    const d = rng.pick(eligible);
    d.slots++;
    slots.push(d);
  }
  rng.shuffle(slots);
  const order = rng.shuffle([...pool]);
  slots.forEach((d, i) => {
    const account = i < order.length ? (order[i] as string) : rng.pick(pool);
    if (!d.accountsAssigned.includes(account)) d.accountsAssigned.push(account);
  });
}

export function phone(rng: Rng, country: string): string {
  const pattern =
    country === 'US'
      ? `+1${rng.pick(['415', '212', '646', '310', '312', '713', '305', '206', '404', '617'])}55501xx`
      : (FOREIGN[country] as Foreign).phone;
  let out = '';
  for (const ch of pattern) out += ch === 'x' ? String(rng.int(0, 9)) : ch;
  return out;
}

export function otherIdentifier(rng: Rng): string {
  switch (rng.int(0, 2)) {
    case 0:
      return `user${rng.int(1, 99_999)}@example.com`;
    case 1:
      return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
    default:
      return `https://media.example.net/${rng.hex(12)}`;
  }
}

// ---- timing, outcome and notice --------------------------------------------------------------------------

/** Fills in targets, timing, outcome and notice; a request whose answer would come after `now` stays open. */
export function finish(rng: Rng, d: Draft, ref: string, now: number, keptUp?: PolicyConfig): ValidRequest {
  const accounts: string[] = [];
  const identifiers: ValidRequest['identifiers'] = [];
  const takedown = d.demand === 'restrict_content';
  for (const account of d.accountsAssigned) {
    const style = rng.next();
    if (takedown) identifiers.push({ value: `https://media.example.net/${rng.hex(12)}`, account });
    else if (style < 0.6) identifiers.push({ value: phone(rng, d.country), account });
    else if (style < 0.9) accounts.push(account);
    else {
      accounts.push(account);
      identifiers.push({ value: otherIdentifier(rng), account });
    }
  }
  if (d.accountsAssigned.length === 0) {
    identifiers.push({ value: rng.chance(0.7) ? phone(rng, d.country) : otherIdentifier(rng) });
  }

  const eu = d.effectHours !== undefined;
  const effect =
    d.effectHours === undefined ? undefined : d.at + d.effectHours * HOUR + rng.int(0, 59) * 60_000;
  // Receipt is acknowledged at the latest together with the effect given.
  const ack =
    d.ackHours === undefined ? undefined : Math.min(d.at + Math.round(d.ackHours * HOUR), effect ?? Infinity);
  let answered = eu ? (effect as number) : d.at + Math.round(d.responseDays * DAY) + rng.int(5, 55) * 60_000;
  if (keptUp && !eu && answered > now) {
    // A team that kept up answered by the policy's target whatever falls due before it looks again.
    const due = responseDueAt(
      {
        processType: d.process,
        channel: d.channel,
        emergency: d.emergencyBasis !== undefined,
        receivedAt: new Date(d.at),
      },
      keptUp,
    )?.getTime();
    if (due !== undefined && due < now + KEPT_UP_AHEAD_MS) {
      answered = Math.min(now, Math.max(d.at + 5 * 60_000, Math.min(due, now) - HOUR));
    }
  }
  const open = answered > now;
  const outcome = open ? undefined : d.outcome;
  const gaveEffect = outcome && !['rejected', 'no_action', 'no_data'].includes(outcome);

  return {
    external_ref: ref,
    received_at: iso(d.at),
    delivered_via: d.delivered,
    agency: {
      name: d.agency.name,
      kind: d.agency.kind,
      level: d.agency.level,
      country: d.country,
      subdivision: d.agency.subdivision,
    },
    issuer: d.issuer,
    requester_class: d.requesterClass,
    channel: d.channel,
    process_type: d.process,
    legal_authority: d.legal,
    case_class: d.caseClass,
    emergency: d.emergencyBasis !== undefined,
    emergency_basis: d.emergencyBasis,
    demand_kind: d.demand,
    data_sought: d.dataSought,
    accounts,
    identifiers,
    items_of_information: d.items,
    dsa_category: d.dsaCategory,
    acknowledged_at: ack !== undefined && ack <= now ? iso(ack) : undefined,
    effect_given_at: eu && gaveEffect ? iso(effect as number) : undefined,
    outcome,
    responded_at: open ? undefined : iso(answered),
    notice_status: noticeStatus(rng, d, outcome, now, keptUp ? { policy: keptUp, answered } : undefined),
    ndo: d.ndo,
    data_location: dataLocation(rng, d.at),
    // An agreement order may not target a US person or a person in the US (2523(b)(4)); the team records that
    // it does not, so the gate lets the order reach content.
    ...(d.channel === 'executive_agreement' ? { target_us_person: false } : {}),
    identifier_kind: d.at < RECORDED_FROM ? undefined : identifierKind(accounts, identifiers),
    notes: d.notes,
  };
}

/** What the request is about, from the first thing it names: an account, or the kind of its first identifier. */
function identifierKind(
  accounts: readonly string[],
  identifiers: ValidRequest['identifiers'],
): IdentifierKind {
  const first = identifiers[0]?.value;
  if (accounts.length > 0 || first === undefined) return 'account';
  if (first.startsWith('+')) return 'phone';
  if (first.includes('@')) return 'email';
  if (first.startsWith('https://')) return 'url';
  return 'ip_address';
}

export function noticeStatus(
  rng: Rng,
  d: Draft,
  outcome: Outcome | undefined,
  now: number,
  keptUp?: { policy: PolicyConfig; answered: number },
): NoticeStatus {
  // Drawn first so that the random stream does not depend on `now`: a shorter history is a prefix of a longer.
  const reachable = rng.chance(0.9);
  const expires = d.ndo ? (d.ndo.expires_at === null ? Infinity : Date.parse(d.ndo.expires_at)) : undefined;
  if (expires !== undefined && expires > now) return 'prohibited_by_order';
  if (!outcome) return 'pending';
  if (
    ['rejected', 'withdrawn', 'withdrawn_after_notice_policy', 'no_data', 'preserved', 'no_action'].includes(
      outcome,
    )
  ) {
    return 'not_applicable';
  }
  // The old system kept no notice record per request: what was settled long ago is not recorded (a notice
  // held by an order that ended only lately is live work, recorded like any other).
  const lately = expires !== undefined && now - expires < 30 * DAY;
  if (d.at < RECORDED_FROM && !lately) return 'not_recorded';
  if (keptUp) {
    // Kept up: notice waits exactly as long as the policy's emergency delay, and is sent once owed. Not a
    // moment earlier, even when the delay runs out within KEPT_UP_AHEAD_MS: the law comes before a quiet queue.
    const ends = emergencyNoticeDueAt(new Date(keptUp.answered), keptUp.policy).getTime();
    if (d.emergencyBasis !== undefined && ends > now) return 'delayed_emergency';
    return reachable ? 'sent' : 'not_possible';
  }
  // Notice after an emergency disclosure waits until the emergency has passed: recent ones are still delayed.
  if (d.emergencyBasis !== undefined && now - d.at < 120 * DAY) return 'delayed_emergency';
  // An order that ran out less than a month ago: the held-back notice is due but not yet sent.
  if (lately) return 'pending';
  return reachable ? 'sent' : 'not_possible';
}

export function dataLocation(rng: Rng, at: number): string {
  const year = new Date(at).getUTCFullYear();
  if (year < 2020 || rng.chance(0.8)) return 'US';
  return rng.pick(year >= 2023 ? ['IE', 'DE', 'AU'] : ['IE', 'DE']);
}
