import type { ValidRequest } from '../domain/request-input.ts';
import type { DataSought, DeliveryMethod, DsaCategory, Outcome, ProcessType } from '../domain/vocabulary.ts';
import { type Agency, FEDERAL_COURTS, STATE_COURTS, US_FEDERAL, US_LOCAL, US_STATE } from './agencies.ts';
import { DAY, HOUR, iso, ROSENSTEIN_MEMO } from './calendar.ts';
import type { Rng } from './rng.ts';

export type Special = 'nsl' | 'fisa' | 'foreign_ns';

export interface Draft {
  at: number;
  country: string;
  agency: Agency;
  issuer?: string;
  requesterClass: 'government' | 'civil_litigant';
  channel: ValidRequest['channel'];
  process: ProcessType;
  legal?: string;
  caseClass: NonNullable<ValidRequest['case_class']>;
  emergencyBasis?: string;
  demand: NonNullable<ValidRequest['demand_kind']>;
  dataSought: DataSought[];
  items?: number;
  dsaCategory?: DsaCategory;
  /** Hours from receipt to acknowledgement / to effect (EU orders). */
  ackHours?: number;
  effectHours?: number;
  /** Days from receipt to the response. */
  responseDays: number;
  outcome: Outcome;
  ndo?: NonNullable<ValidRequest['ndo']>;
  delivered: DeliveryMethod;
  /** How many account slots the request names (0 = its identifiers matched no account). */
  slots: number;
  accountsAssigned: string[];
  notes?: string;
}

export const EMERGENCY_BASES = [
  'Caller threatened suicide during a live call; welfare check in progress',
  'Reported kidnapping; suspect using the number to demand ransom',
  'Bomb threat sent by SMS to a school; evacuation under way',
  'Missing child; last contact was from the number in question',
  'Active threat to shoot a named person, sent by text message',
  'Domestic violence victim held against her will, per a 911 call',
  'Threat of imminent violence against hospital staff',
];
export const NOTES = [
  'Narrowed to subscriber information after review.',
  'Agency asked to re-serve the correct legal entity.',
  'Customer informed under the notice policy.',
  'Follow-up legal process received.',
  'Identifiers did not match any account; agency informed.',
  'Clarification requested on the time range; agency answered.',
];
export const NDO_GROUNDS = {
  jeopardize: 50,
  evidence: 20,
  flight: 13,
  witnesses: 9,
  endanger_life: 8,
} as const;

export function usAgency(rng: Rng): Agency {
  const level = rng.weighted({ federal: 40, state: 22, local: 38 });
  return rng.pick(level === 'federal' ? US_FEDERAL : level === 'state' ? US_STATE : US_LOCAL);
}

export function courtFor(rng: Rng, agency: Agency): string {
  if (agency.level === 'federal' || !agency.subdivision) return rng.pick(FEDERAL_COURTS);
  return STATE_COURTS[agency.subdivision] ?? rng.pick(FEDERAL_COURTS);
}

export function delivery(rng: Rng, at: number, channel: ValidRequest['channel']): DeliveryMethod {
  if (channel === 'eu_e_evidence') return 'api';
  const year = new Date(at).getUTCFullYear();
  const portal = year < 2018 ? 0 : (year - 2017) * 7;
  return rng.weighted({
    email: 45,
    mail: 25 - Math.min(15, portal / 3),
    fax: year < 2020 ? 12 : 3,
    in_person: 4,
    portal,
  });
}

/** A 2705(b) order, mostly a year or less after the Rosenstein memo and often indefinite before it. */
export function ndo2705b(rng: Rng, at: number, court: string): NonNullable<ValidRequest['ndo']> {
  const issued = at - rng.int(0, 5) * DAY - rng.int(1, 8) * HOUR;
  const indefinite = rng.chance(at < ROSENSTEIN_MEMO ? 0.4 : 0.08);
  const days = at < ROSENSTEIN_MEMO ? rng.pick([180, 365, 730]) : rng.pick([90, 180, 365, 365, 365]);
  return {
    authority: 'sca_2705b',
    issuing_court: court,
    issued_at: iso(issued),
    expires_at: indefinite ? null : iso(issued + days * DAY),
    ground: rng.weighted(NDO_GROUNDS),
  };
}

export type Make = (
  fields: Omit<
    Draft,
    | 'at'
    | 'country'
    | 'requesterClass'
    | 'channel'
    | 'caseClass'
    | 'demand'
    | 'slots'
    | 'accountsAssigned'
    | 'delivered'
  > &
    Partial<Pick<Draft, 'requesterClass' | 'channel' | 'caseClass' | 'demand' | 'slots'>>,
) => Draft;
