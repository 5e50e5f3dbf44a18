import MarkdownIt from 'markdown-it';
import type { ReportData } from '../report-data.ts';

/**
 * The provider's Markdown ("How we handle requests") as plain blocks every renderer can print: paragraphs,
 * sub-headings and list items of plain text. Parsed by markdown-it with raw HTML off; only the text is kept
 * (emphasis dropped, a link's address written after its words), and each renderer escapes it as it escapes
 * everything else, so no HTML or Markdown syntax of the provider's reaches an output as markup.
 */

export type PolicyBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'heading'; text: string }
  /** `marker`: "-" or "1." ...; `depth`: 0 for a top-level item. */
  | { kind: 'item'; text: string; marker: string; depth: number };

export interface PolicyDocSection {
  title: string;
  /** Said under the title when the text is generated from the configuration, not written by the provider. */
  note: string | null;
  blocks: PolicyBlock[];
}

export const GENERATED_NOTE =
  'Generated from what our configured policy engine enforces; the provider has not written this section.';

const md = new MarkdownIt('commonmark', { html: false });

type Token = ReturnType<typeof md.parse>[number];

function inlineText(tokens: readonly Token[]): string {
  let out = '';
  const links: Array<{ href: string; from: number }> = [];
  for (const t of tokens) {
    if (t.type === 'text' || t.type === 'code_inline') out += t.content;
    else if (t.type === 'softbreak' || t.type === 'hardbreak') out += ' ';
    else if (t.type === 'image') out += t.content;
    else if (t.type === 'link_open') links.push({ href: String(t.attrGet('href') ?? ''), from: out.length });
    else if (t.type === 'link_close') {
      // The address follows the words, unless the words are the address (an autolink, a bare e-mail).
      const link = links.pop();
      if (link?.href && !link.href.includes(out.slice(link.from).trim())) out += ` (${link.href})`;
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** The blocks of one section's Markdown. */
export function policyBlocks(markdown: string): PolicyBlock[] {
  const blocks: PolicyBlock[] = [];
  const lists: Array<{ ordered: boolean; n: number }> = [];
  let item: { marker: string; depth: number; first: boolean } | null = null;
  let inHeading = false;
  for (const t of md.parse(markdown, {})) {
    if (t.type === 'bullet_list_open') lists.push({ ordered: false, n: 0 });
    else if (t.type === 'ordered_list_open')
      lists.push({ ordered: true, n: Number(t.attrGet('start') ?? 1) - 1 });
    else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') lists.pop();
    else if (t.type === 'list_item_open') {
      const list = lists[lists.length - 1]!;
      list.n += 1;
      item = { marker: list.ordered ? `${list.n}.` : '-', depth: lists.length - 1, first: true };
    } else if (t.type === 'list_item_close') item = null;
    else if (t.type === 'inline') {
      const text = inlineText(t.children ?? []);
      if (!text) continue;
      if (item?.first) {
        blocks.push({ kind: 'item', text, marker: item.marker, depth: item.depth });
        item.first = false;
      } else if (item) blocks.push({ kind: 'item', text, marker: '', depth: item.depth });
      else blocks.push({ kind: inHeading ? 'heading' : 'paragraph', text });
    } else if (t.type === 'fence' || t.type === 'code_block') {
      const text = t.content.replace(/\s+/g, ' ').trim();
      if (text) blocks.push({ kind: 'paragraph', text });
    }
    if (t.type === 'heading_open') inHeading = true;
    if (t.type === 'heading_close') inHeading = false;
  }
  return blocks;
}

/** The report's "How we handle requests" sections as blocks, or null for a version that has none. */
export function policyDocSections(data: ReportData): PolicyDocSection[] | null {
  const p = data.handling_policy;
  if (!p) return null;
  return p.sections.map((s) => ({
    title: s.title,
    note: s.generated ? GENERATED_NOTE : null,
    blocks: policyBlocks(s.text),
  }));
}
