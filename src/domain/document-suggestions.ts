/**
 * Suggestions read from the text of served legal process: the external reference, the agency, dates and
 * identifiers (e-mail addresses, phone numbers, account ids). Pure pattern matching on the extracted text;
 * each one is only ever offered to the user, who picks what to use — never filled in silently.
 */

export const SUGGESTION_FIELDS = [
  'external_ref',
  'agency.name',
  'received_at',
  'accounts',
  'identifiers',
] as const;
export type SuggestionField = (typeof SUGGESTION_FIELDS)[number];

export interface Suggestion {
  /** Stable id within one text: `<field>:<n>`; forms send these back, never the values. */
  id: string;
  field: SuggestionField;
  value: string;
  /** What it is, in words: "e-mail address", "case number" ... */
  what: string;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const pad = (n: number) => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCMonth() === m - 1 ? `${y}-${pad(m)}-${pad(d)}` : null;
}

const REF =
  /\b(?:case|docket|file|matter|reference|ref|request|subpoena|warrant|order)[ \t]*(?:no\.?|number|num\.?|#|id)?[ \t]*[:#]?[ \t]*([A-Z0-9][A-Z0-9_./:-]{2,40}[A-Z0-9])/gi;
const AGENCY =
  /\b(department|bureau|police|sheriff|office|agency|attorney|court|commission|constabulary|prosecutor|ministry|gendarmerie|service|investigation)\b/i;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const PHONE = /(?<![\w+])(\+?\d[\d\s().-]{8,18}\d)(?![\w])/g;
const ACCOUNT =
  /\baccount(?:[ \t]*(?:id|no\.?|number|#))?[ \t]*[:#]?[ \t]*([A-Za-z0-9][A-Za-z0-9_.-]{3,63})/gi;
const ISO = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const MDY_WORDS = /\b([A-Z][a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b/g;
const DMY_WORDS = /\b(\d{1,2})\s+([A-Z][a-z]+)\.?,?\s+(\d{4})\b/g;
const US_NUMERIC = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;

const month = (name: string) => {
  const n = name.toLowerCase();
  const i = MONTHS.findIndex((m) => m === n || (n.length >= 3 && m.startsWith(n)));
  return i < 0 ? 0 : i + 1;
};

/** Finds the suggestions in a text (at most a few per field, in the order they appear). */
export function suggestFromText(text: string, perField = 5): Suggestion[] {
  const found = new Map<SuggestionField, Array<{ value: string; what: string }>>();
  const add = (field: SuggestionField, value: string, what: string) => {
    const v = value.trim();
    if (!v) return;
    const list = found.get(field) ?? [];
    if (list.length < perField && !list.some((x) => x.value.toLowerCase() === v.toLowerCase()))
      list.push({ value: v, what });
    found.set(field, list);
  };
  const sample = text.slice(0, 200_000);

  for (const m of sample.matchAll(REF)) {
    // A reference holds a digit; "Subpoena to produce" is not one.
    if (/\d/.test(m[1]!)) add('external_ref', m[1]!.replace(/[.:]+$/, ''), 'reference number');
  }
  for (const line of sample.split(/\n/)) {
    const l = line.replace(/\s+/g, ' ').trim();
    if (l.length >= 6 && l.length <= 100 && AGENCY.test(l) && !/\d{3,}/.test(l) && !EMAIL.test(l))
      add('agency.name', l.replace(/^(from|issued by|agency)\s*:\s*/i, '').replace(/[,.;:]+$/, ''), 'agency');
    EMAIL.lastIndex = 0;
  }
  const dates: string[] = [];
  for (const m of sample.matchAll(ISO)) dates.push(isoDate(+m[1]!, +m[2]!, +m[3]!) ?? '');
  for (const m of sample.matchAll(MDY_WORDS)) dates.push(isoDate(+m[3]!, month(m[1]!), +m[2]!) ?? '');
  for (const m of sample.matchAll(DMY_WORDS)) dates.push(isoDate(+m[3]!, month(m[2]!), +m[1]!) ?? '');
  for (const m of sample.matchAll(US_NUMERIC)) dates.push(isoDate(+m[3]!, +m[1]!, +m[2]!) ?? '');
  for (const d of dates) if (d) add('received_at', d, 'date');

  for (const m of sample.matchAll(ACCOUNT)) {
    if (/\d/.test(m[1]!) && !m[1]!.includes('@')) add('accounts', m[1]!.replace(/[.]+$/, ''), 'account id');
  }
  for (const m of sample.matchAll(EMAIL)) add('identifiers', m[0], 'e-mail address');
  for (const m of sample.matchAll(PHONE)) {
    const digits = m[1]!.replace(/\D/g, '');
    if (digits.length < 10 || digits.length > 15) continue;
    // Dates and reference numbers look like digits too: a phone number has separators or a leading +.
    if (/^\d{4}-\d{2}-\d{2}$/.test(m[1]!)) continue;
    add('identifiers', m[1]!.startsWith('+') ? `+${digits}` : m[1]!.replace(/\s+/g, ' '), 'phone number');
  }
  const out: Suggestion[] = [];
  for (const field of SUGGESTION_FIELDS)
    (found.get(field) ?? []).forEach((s, i) => out.push({ id: `${field}:${i}`, field, ...s }));
  return out;
}
