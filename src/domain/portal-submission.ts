import { z } from 'zod';
import { requestInput, subdivisionCode } from './request-input.ts';
import { AGENCY_KINDS, AGENCY_LEVELS, DATA_SOUGHT } from './vocabulary.ts';

/**
 * What an officer sends through the portal (docs/portal.md). It is turned into the one intake schema every
 * door shares (`requestInput`), so a portal request obeys the same rules as one typed in by the legal team.
 */

/** The kinds of process an officer may send through the portal (national security process never is). */
export const PORTAL_PROCESS_TYPES = [
  'subpoena',
  'grand_jury_subpoena',
  'administrative_subpoena',
  'court_order_2703d',
  'court_order',
  'search_warrant',
  'pen_register_order',
  'preservation_request',
  'emergency_request',
  'other',
] as const;

const text = (max: number) => z.string().trim().min(1, 'required').max(max);
const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullish();
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{3,50}$/, 'expected a telephone number, such as +1 202 555 0100');

export const ATTESTATION =
  'I attest that I am the officer named here, that the attached legal process is genuine and was lawfully issued, and that the information in this submission is true.';

export const portalSubmission = z
  .strictObject({
    reference: text(200),
    process_type: z.enum(PORTAL_PROCESS_TYPES),
    legal_authority: optional(500),
    agency_kind: z.enum(AGENCY_KINDS).default('law_enforcement'),
    agency_level: z.enum(AGENCY_LEVELS),
    subdivision: subdivisionCode.nullish().or(z.literal('').transform(() => null)),
    accounts: z.array(text(200)).min(1, 'name at least one account').max(100),
    data_sought: z.array(z.enum(DATA_SOUGHT)).max(3).default([]),
    officer_name: text(200),
    officer_title: text(200),
    officer_agency: text(300),
    officer_phone: phone,
    attest: z.literal(true, { message: 'tick the attestation to submit' }),
    signature: text(200),
    emergency: z.boolean().default(false),
    danger: optional(4000),
    why_now: optional(4000),
    callback_phone: phone.nullish().or(z.literal('').transform(() => null)),
    notes: optional(4000),
  })
  .superRefine((s, ctx) => {
    if (s.signature.toLowerCase() !== s.officer_name.toLowerCase())
      ctx.addIssue({
        code: 'custom',
        path: ['signature'],
        message: 'type your name exactly as above to sign',
      });
    if (new Set(s.data_sought).size !== s.data_sought.length)
      ctx.addIssue({ code: 'custom', path: ['data_sought'], message: 'lists a category twice' });
    if (!(s.emergency || s.process_type === 'emergency_request')) return;
    if (!s.danger)
      ctx.addIssue({
        code: 'custom',
        path: ['danger'],
        message: 'describe the danger of death or serious physical injury (18 U.S.C. 2702(b)(8))',
      });
    if (!s.why_now)
      ctx.addIssue({
        code: 'custom',
        path: ['why_now'],
        message: 'say why this cannot wait for legal process',
      });
    if (!s.callback_phone)
      ctx.addIssue({
        code: 'custom',
        path: ['callback_phone'],
        message: 'give a call-back number we can verify independently (a switchboard or duty desk)',
      });
    else if (s.callback_phone.replace(/\D/g, '') === s.officer_phone.replace(/\D/g, ''))
      ctx.addIssue({
        code: 'custom',
        path: ['callback_phone'],
        message: 'must be an independent number (a switchboard or duty desk), not your own',
      });
  });
export type PortalSubmissionInput = z.output<typeof portalSubmission>;

/** Whether a submission is an emergency (a flag, or the emergency process type). */
export const isEmergency = (s: PortalSubmissionInput) =>
  s.emergency || s.process_type === 'emergency_request';

/**
 * The request a submission becomes, parsed by the shared intake schema. Its issues come back under the
 * intake's field names, which the portal form uses too.
 */
export function toRequest(
  s: PortalSubmissionInput,
  o: { externalRef: string; receivedAt: Date; country: string },
): ReturnType<typeof requestInput.safeParse> {
  const emergency = isEmergency(s);
  return requestInput.safeParse({
    external_ref: o.externalRef,
    received_at: o.receivedAt.toISOString(),
    delivered_via: 'portal',
    agency: {
      name: s.officer_agency,
      kind: s.agency_kind,
      level: s.agency_level,
      country: o.country,
      subdivision: s.subdivision ?? null,
    },
    issuer: `${s.officer_name}, ${s.officer_title}`,
    process_type: s.process_type,
    legal_authority: s.legal_authority ?? null,
    emergency,
    emergency_basis: emergency
      ? `Danger of death or serious physical injury: ${s.danger}\nWhy it cannot wait for process: ${s.why_now}\nIndependent call-back number: ${s.callback_phone}`
      : null,
    data_sought: s.data_sought,
    accounts: s.accounts,
    notes: [`Agency reference: ${s.reference}`, s.notes].filter(Boolean).join('\n'),
  });
}
