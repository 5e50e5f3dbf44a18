import { z } from 'zod';
import { instant, recordId, versionNumber } from './primitives.ts';
import { ndoInput } from './request-input.ts';
import {
  ACCOUNT_RESULTS,
  APPROVAL_PURPOSES,
  DATA_SOUGHT,
  HOLD_REGIMES,
  MANUAL_RELEASE_REASONS,
  NOTICE_STATUSES,
  NUMBER_SOURCES,
  OUTCOMES,
  REQUEST_STATUSES,
} from './vocabulary.ts';

/**
 * One schema per workflow action, shared by every door: the API route takes it as its body, the CLI maps its
 * flags onto it, the web form maps its fields onto it, and the workflow service accepts what it parses to.
 * Each schema reads the public (snake_case) names the API documents, and parses to the service's camelCase
 * input, with `version` (the version the caller read) as `expectedVersion` and instants as `Date`s, so a
 * value is parsed once, at the edge, and no door maps fields of its own.
 */

/** `user_id` -> `userId`, at the type level. */
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
/** A parsed body as the service reads it: camelCase keys, `version` as `expectedVersion`. */
export type ServiceShape<T> = {
  [K in keyof T as K extends 'version' ? 'expectedVersion' : Camel<K & string>]: T[K];
};

/** Renames a parsed body's keys to the service's (see `ServiceShape`); nested objects keep their names. */
function serviceShape<T extends Record<string, unknown>>(body: T): ServiceShape<T> {
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [
      k === 'version' ? 'expectedVersion' : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  ) as ServiceShape<T>;
}

/** An action's body: the version the caller read (a change is refused with `conflict` if it moved on). */
function action<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ version: versionNumber, ...shape }).transform(serviceShape);
}

/**
 * What the workflow service accepts for an action: the schema's output, with the version optional for
 * in-process callers that act on the current state (the scheduler, the bulk queue, tests).
 */
export type ActionInput<S extends z.ZodType> = Omit<z.output<S>, 'expectedVersion'> & {
  expectedVersion?: number;
};

const date = instant.transform((s) => new Date(s));
const text = (max: number) => z.string().trim().min(1).max(max);

export const transitionAction = action({
  to: z.enum(REQUEST_STATUSES),
  reason: text(4000).nullish(),
});
export type TransitionInput = ActionInput<typeof transitionAction>;

export const assignAction = action({ user_id: recordId });
export type AssignInput = ActionInput<typeof assignAction>;

export const approveAction = action({
  purpose: z.enum(APPROVAL_PURPOSES),
  note: text(4000).nullish(),
});
export type ApproveInput = ActionInput<typeof approveAction>;

export const responseAction = action({
  outcome: z.enum(OUTCOMES),
  responded_at: date.optional(),
  produced: z.array(z.enum(DATA_SOUGHT)).max(3).default([]),
  /** Results for named accounts; the others get the result the outcome implies. */
  accounts: z
    .array(z.strictObject({ account: text(500), result: z.enum(ACCOUNT_RESULTS) }))
    .max(10_000)
    .default([]),
  /** An approver's written reason for producing beyond what the process may compel. */
  override_reason: text(4000).nullish(),
});
export type ResponseInput = ActionInput<typeof responseAction>;

export const verificationAction = action({
  attests_danger: z.boolean(),
  basis: text(4000).nullish(),
  verified_by: text(300),
  called_back_at: date,
  number: text(60),
  number_source: z.enum(NUMBER_SOURCES),
});
export type VerificationInput = ActionInput<typeof verificationAction>;

export const emergencyEventsAction = action({
  passed_at: date.optional(),
  follow_up_received_at: date.optional(),
});
export type EmergencyEventsInput = ActionInput<typeof emergencyEventsAction>;

export const holdAction = action({
  regime: z.enum(HOLD_REGIMES).optional(),
  started_at: date.optional(),
});
export type HoldInput = ActionInput<typeof holdAction>;

/** Extending a hold, or any action that carries nothing but the version. */
export const versionAction = action({});
export type VersionInput = ActionInput<typeof versionAction>;

export const releaseAction = action({ reason: z.enum(MANUAL_RELEASE_REASONS) });
export type ReleaseInput = ActionInput<typeof releaseAction>;

/** The order's fields as intake records them (`ndoInput`), then the version (the API has always listed it last). */
export const ndoAction = ndoInput
  .extend({
    issued_at: date.nullish(),
    /** null = indefinite. */
    expires_at: date.nullable(),
    version: versionNumber,
  })
  .transform(serviceShape);
export type NdoInput = ActionInput<typeof ndoAction>;

export const liftAction = action({ lifted_at: date.optional() });
export type LiftInput = ActionInput<typeof liftAction>;

export const reviewAction = action({ reviewed_at: date.optional() });
export type ReviewInput = ActionInput<typeof reviewAction>;

export const noticeAction = action({ status: z.enum(NOTICE_STATUSES), reason: text(4000) });
export type NoticeInput = ActionInput<typeof noticeAction>;
