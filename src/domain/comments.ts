import { z } from 'zod';
import { cleanString, instant, recordId } from './primitives.ts';
import { CORRESPONDENCE_CHANNELS, CORRESPONDENCE_DIRECTIONS } from './vocabulary.ts';

/**
 * Comments and correspondence of a request (docs/workflow.md, "Comments and correspondence"): the one input
 * schema of each action, in the API's words, that every door (API, web form, CLI) parses into; the services
 * parse again, so no door can skip a check.
 */

/** The longest comment or correspondence summary, in characters. */
export const COMMENT_MAX = 10_000;
/** The most users a comment may pick to notify besides the `@` mentions in its text. */
export const MENTION_PICKS_MAX = 50;
/** How far in the future a correspondence time may lie (clocks of two machines disagree a little). */
export const CLOCK_SKEW_MS = 5 * 60_000;

const text = (max: number, what: string) =>
  cleanString()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, `write the ${what}`)
        .max(max, `the ${what} is longer than ${max.toLocaleString('en-US')} characters`),
    );

export const commentInput = z.strictObject({
  text: text(COMMENT_MAX, 'comment'),
  /** Users picked to notify (the web form's list); the same as an `@` mention of their address. */
  mention_user_ids: z.array(recordId).max(MENTION_PICKS_MAX).optional(),
});
export type CommentInput = z.input<typeof commentInput>;

export const correspondenceInput = z.strictObject({
  direction: z.enum(CORRESPONDENCE_DIRECTIONS),
  /** When it was sent or received; not in the future beyond `CLOCK_SKEW_MS` (checked by the service). */
  occurred_at: instant,
  channel: z.enum(CORRESPONDENCE_CHANNELS),
  /** Who at the agency, e.g. "SA Jane Roe, FBI Boston". */
  counterpart: text(500, 'counterpart'),
  summary: text(COMMENT_MAX, 'summary'),
  /** A document already attached to the same request (the letter itself, the e-mail as a file). */
  document_id: recordId.nullish(),
});
export type CorrespondenceInput = z.input<typeof correspondenceInput>;

/**
 * The `@` mentions of a comment: `@` then an e-mail address, at the start of the text or after a space or an
 * opening bracket (so `ana@example.com` written plainly, or inside a word, is not a mention). Trailing
 * punctuation is not part of the address (`@ana@example.com.` mentions ana@example.com). Lower-cased, each
 * once, in the order written.
 *
 * @example mentionsIn('Please check, @Ana@Example.com and @bo@example.org.') // ['ana@example.com', 'bo@example.org']
 */
export function mentionsIn(body: string): string[] {
  const found = body.matchAll(
    /(?:^|[\s([{<,;])@([A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})/g,
  );
  return [...new Set([...found].map((m) => m[1]!.toLowerCase()))];
}
