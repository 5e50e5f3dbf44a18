import { cleanOutput } from './primitives.ts';
import { HANDLING_POLICY_SECTIONS, type HandlingPolicySection } from './vocabulary.ts';

/**
 * The provider's own words on how it handles requests (issue 16.3): a Markdown file in the data directory with
 * one `## Title` per section, published as the report's "How we handle requests" section. A section the
 * provider has not written is filled with the text generated from the configured policy engine
 * (handling-policy-defaults.ts), marked as such, so the report never says less than the code enforces.
 */

export const HANDLING_POLICY_TITLE = 'How we handle requests';

export const SECTION_TITLES: Readonly<Record<HandlingPolicySection, string>> = {
  legal_review: 'Legal review',
  pushback: 'When we push back',
  verification: 'How we verify the requester',
  notice: 'Notice to customers',
  emergency: 'Emergency requests',
  foreign_demands: 'Demands from other countries',
  national_security: 'National-security process',
  content_restriction: 'Content-restriction demands',
};

/** The sections the provider wrote (absent: not written), as kept in the data directory's file. */
export type WrittenPolicy = Partial<Record<HandlingPolicySection, string>>;

/** One section as the report carries it. */
export interface PolicySection {
  key: HandlingPolicySection;
  title: string;
  /** Markdown: the provider's, or the generated text. */
  text: string;
  /** True when the provider has not written this section and the text is generated from the policy engine. */
  generated: boolean;
}

const byTitle = new Map(HANDLING_POLICY_SECTIONS.map((k) => [SECTION_TITLES[k].toLowerCase(), k] as const));

/** A line that would end a section (or the document title) inside the file; refused in a section's text. */
const HEADING = /^ {0,3}#{1,2}(\s|$)/m;

/** Why a section's text cannot be kept, or null: a level-1 or level-2 heading would split the file. */
export function sectionTextProblem(text: string): string | null {
  return HEADING.test(text)
    ? 'use ### or deeper for headings inside a section (# and ## are the file’s own)'
    : null;
}

/** Reads the file: `## Title` lines name sections; unknown titles are reported, not silently dropped. */
export function parsePolicyFile(markdown: string): { written: WrittenPolicy; unknown: string[] } {
  const written: WrittenPolicy = {};
  const unknown: string[] = [];
  let current: HandlingPolicySection | null = null;
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    if (current && text) written[current] = text;
    lines = [];
  };
  for (const line of cleanOutput(markdown).split('\n')) {
    const h = /^ {0,3}##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      current = byTitle.get(h[1]!.toLowerCase()) ?? null;
      if (!current) unknown.push(h[1]!);
    } else if (/^ {0,3}#\s/.test(line)) {
      flush();
      current = null;
    } else if (current) {
      lines.push(line);
    }
  }
  flush();
  return { written, unknown };
}

/** Writes the file: the title, then each written section in report order (unwritten ones are left out). */
export function formatPolicyFile(written: WrittenPolicy): string {
  const out = [`# ${HANDLING_POLICY_TITLE}`];
  for (const key of HANDLING_POLICY_SECTIONS) {
    const text = written[key]?.trim();
    if (text) out.push('', `## ${SECTION_TITLES[key]}`, '', cleanOutput(text));
  }
  return `${out.join('\n')}\n`;
}

/** Every section, the provider's words where written, else the generated text. */
export function resolvePolicy(
  written: WrittenPolicy,
  generated: Readonly<Record<HandlingPolicySection, string>>,
): PolicySection[] {
  return HANDLING_POLICY_SECTIONS.map((key) => {
    const own = written[key]?.trim();
    return {
      key,
      title: SECTION_TITLES[key],
      text: cleanOutput(own || generated[key]),
      generated: !own,
    };
  });
}

/**
 * What changed between the policy of two versions, in words for the changelog ("How we handle requests:
 * section 'Notice to customers' changed"); empty when nothing did.
 */
export function policyChanges(
  before: readonly PolicySection[] | undefined,
  after: readonly PolicySection[] | undefined,
): string[] {
  if (!after) return [];
  if (!before) return [`${HANDLING_POLICY_TITLE}: section added`];
  const old = new Map(before.map((s) => [s.key, s.text]));
  return after
    .filter((s) => old.get(s.key) !== s.text)
    .map((s) => `${HANDLING_POLICY_TITLE}: section '${s.title}' ${old.has(s.key) ? 'changed' : 'added'}`);
}
