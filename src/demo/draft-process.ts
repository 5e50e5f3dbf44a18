import { requestInput, type ValidRequest } from '../domain/request-input.ts';
import { PROSPECTIVE_PROCESS } from '../domain/request-process.ts';
import type { ChallengeResult, ChallengeStage } from '../domain/vocabulary.ts';
import { DAY, iso } from './calendar.ts';
import { accountSid, type Rng } from './rng.ts';

/**
 * The demo's facts of issue 16.2, drawn from a stream of their own (as draft-foreign-ns.ts), so every other
 * request and figure of the demo is the same as before they were generated: informal government requests
 * (referral units flagging content, the odd call for data), the access mode recorded since 2019, and court
 * challenges of a few rejected requests.
 */

/** Recorded since: history before it carries no access mode (wiretaps and pen registers are prospective anyway). */
export const ACCESS_RECORDED_FROM = Date.parse('2019-01-01T00:00:00Z');
const INFORMAL_FROM = Date.parse('2018-01-01T00:00:00Z');

const REFERRERS = [
  {
    agency: {
      name: 'Metropolitan Police Counter Terrorism Internet Referral Unit',
      kind: 'law_enforcement',
      level: 'local',
    },
    country: 'GB',
  },
  {
    agency: { name: 'Europol EU Internet Referral Unit', kind: 'law_enforcement', level: 'supranational' },
    country: 'NL',
  },
  {
    agency: { name: 'Federal Bureau of Investigation', kind: 'law_enforcement', level: 'federal' },
    country: 'US',
  },
  { agency: { name: 'Bundeskriminalamt', kind: 'law_enforcement', level: 'national' }, country: 'DE' },
] as const;

/** A few informal requests of a half-year (none before 2018): mostly flaggings of content, now and then a call. */
export function informalRequests(
  rng: Rng,
  period: { start: number; end: number },
  tag: string,
  now: number,
): Array<{ at: number; request: ValidRequest }> {
  if (period.end <= INFORMAL_FROM) return [];
  const out: Array<{ at: number; request: ValidRequest }> = [];
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const at = period.start + Math.floor(rng.next() * (period.end - period.start));
    const from = rng.pick(REFERRERS);
    const flagging = rng.chance(0.8);
    const answered = at + rng.int(1, 6) * DAY;
    const done = answered <= now;
    const restricted = flagging && rng.chance(0.6);
    const account = accountSid(rng);
    if (at > now) continue;
    out.push({
      at,
      request: requestInput.parse({
        external_ref: `DEMO-${tag}-8${String(i + 1).padStart(4, '0')}`,
        received_at: iso(at),
        delivered_via: flagging ? 'portal' : 'email',
        agency: { ...from.agency, country: from.country },
        channel: 'informal',
        process_type: flagging ? 'takedown_request' : 'other',
        demand_kind: flagging ? 'restrict_content' : 'disclose',
        data_sought: flagging ? [] : ['basic_subscriber'],
        accounts: [account],
        identifier_kind: 'account',
        ...(flagging ? { items_of_information: rng.int(1, 5) } : {}),
        ...(done
          ? {
              // Without legal process nothing is disclosed: a flagging is judged against our own terms.
              outcome: restricted ? 'content_restricted' : flagging ? 'no_action' : 'rejected',
              responded_at: iso(answered),
              notice_status: restricted ? 'sent' : 'not_applicable',
            }
          : {}),
        notes: flagging
          ? 'Referred as a breach of our terms, without legal process.'
          : 'Asked by telephone, without legal process; told to serve legal process.',
      }),
    });
  }
  return out;
}

const STAGES: readonly ChallengeStage[] = ['motion_filed', 'first_instance', 'appeal'];

/**
 * Records the access mode of requests since 2019 and gives a few rejected requests a court challenge. Changes
 * only those two fields, so no other figure of the demo moves.
 */
export function processFacts(rng: Rng, r: ValidRequest, now: number): ValidRequest {
  const at = Date.parse(r.received_at);
  let out = r;
  if (
    at >= ACCESS_RECORDED_FROM &&
    r.demand_kind === 'disclose' &&
    !PROSPECTIVE_PROCESS.includes(r.process_type)
  ) {
    const realTime = r.process_type === 'court_order' && rng.chance(0.15);
    out = { ...out, access_mode: realTime ? 'prospective' : 'stored' };
  }
  if (r.outcome === 'rejected' && r.channel !== 'informal' && r.responded_at && rng.chance(0.2)) {
    const filed = Date.parse(r.responded_at) + rng.int(3, 14) * DAY;
    if (filed <= now) {
      const stage = rng.pick(STAGES);
      const decided = stage === 'motion_filed' ? null : filed + rng.int(30, 200) * DAY;
      const result: ChallengeResult =
        decided === null || decided > now
          ? 'pending'
          : rng.pick(['won', 'won', 'partly_won', 'lost', 'withdrawn_by_requester'] as const);
      out = {
        ...out,
        court_challenge: {
          stage,
          result,
          filed_at: iso(filed),
          ...(result === 'pending' || decided === null ? {} : { decided_at: iso(decided) }),
        },
      };
    }
  }
  return out;
}
