import type { DataSought, DocumentKind } from './vocabulary.ts';

/**
 * A production's manifest: exactly what was handed over (each file's name, SHA-256 and size), for which
 * accounts and data categories, when and by whom. Its bytes are fixed by the record (fields in a fixed
 * order, two-space JSON, a final newline), so the SHA-256 recorded in the audit chain can be recomputed from
 * the manifest inside any copy of the zip.
 */

export const MANIFEST_FORMAT = 'candor-production-manifest/1';

export interface ManifestFile {
  /** The file's name as uploaded: data, never a path. */
  name: string;
  /** Where the file is inside the zip (`files/01-<safe name>`). */
  path: string;
  sha256: string;
  size: number;
  media_type: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  provider: string;
  request: { id: number; external_ref: string; agency: string; process_type: string; received_at: string };
  production: { number: number; produced_at: string; produced_by: string };
  accounts: string[];
  data_categories: DataSought[];
  files: ManifestFile[];
  certification: boolean;
}

/** The manifest's bytes: what goes in the zip and what is hashed. */
export function manifestBytes(m: Manifest): Buffer {
  const ordered: Manifest = {
    format: m.format,
    provider: m.provider,
    request: {
      id: m.request.id,
      external_ref: m.request.external_ref,
      agency: m.request.agency,
      process_type: m.request.process_type,
      received_at: m.request.received_at,
    },
    production: {
      number: m.production.number,
      produced_at: m.production.produced_at,
      produced_by: m.production.produced_by,
    },
    accounts: [...m.accounts],
    data_categories: [...m.data_categories],
    files: m.files.map((f) => ({
      name: f.name,
      path: f.path,
      sha256: f.sha256,
      size: f.size,
      media_type: f.media_type,
    })),
    certification: m.certification,
  };
  return Buffer.from(`${JSON.stringify(ordered, null, 2)}\n`, 'utf8');
}

/**
 * A zip entry name for a produced file: its position and the name reduced to safe characters. The name a
 * user gave is kept as data in the manifest; it never becomes a path (no `..`, no `/`, no drive letters).
 */
export function entryName(index: number, name: string): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(-100) || 'file';
  return `files/${String(index + 1).padStart(2, '0')}-${base}`;
}

/** A file name as stored: one line, no control characters, at most 255 characters; never empty. */
export function cleanFileName(name: string | undefined): string {
  const n = (name ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are what we remove
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, 255);
  return n || 'unnamed';
}

/** Placeholders of the business-records certification, filled from the record. */
export const CERTIFICATION_PLACEHOLDERS = {
  provider: 'our name (CANDOR_PROVIDER_NAME)',
  custodian: 'who produced the records (the signed-in user)',
  request_ref: "the agency's reference (external reference)",
  agency: 'the requesting agency',
  process_type: 'the kind of legal process',
  received_date: 'the day the request was received (UTC)',
  produced_date: 'the day of the production (UTC)',
  accounts: 'the accounts produced, comma-separated',
  data_categories: 'the data categories produced',
  file_list: 'one line per file: name, size, SHA-256',
  manifest_sha256: "the SHA-256 of the production's manifest.json",
} as const;
export type CertificationFacts = Record<keyof typeof CERTIFICATION_PLACEHOLDERS, string>;

/** The template an installation starts with: a declaration of authenticity under FRE 902(11) and 803(6). */
export const DEFAULT_CERTIFICATION = `CERTIFICATE OF AUTHENTICITY OF DOMESTIC RECORDS OF A REGULARLY CONDUCTED ACTIVITY
(Federal Rules of Evidence 902(11) and 803(6))

I, {{custodian}}, attest, under penalties of perjury by the laws of the United States of America pursuant to
28 U.S.C. 1746, that the information contained in this certification is true and correct. I am employed by
{{provider}} and my title is ______________________. I am qualified to authenticate the records attached
hereto because I am familiar with how the records were created, managed, stored, and retrieved.

The records attached hereto were produced in response to {{process_type}} {{request_ref}} from
{{agency}}, received {{received_date}}, for the account(s) {{accounts}} ({{data_categories}}).

I state that the records attached hereto are true duplicates of the original records in the custody of
{{provider}}, and that they were:
  a. made at or near the time of the occurrence of the matters set forth by, or from information
     transmitted by, a person with knowledge of those matters;
  b. kept in the course of a regularly conducted business activity of {{provider}}; and
  c. made by {{provider}} as a regular practice.

The records, produced on {{produced_date}}, are the following files; each is identified by its SHA-256
digest, and the production's manifest has the SHA-256 digest {{manifest_sha256}}:
{{file_list}}

Date: ______________    Signature: ______________________________
`;

const TOKEN = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** What is wrong with a certification template: unknown placeholders and stray braces. Empty = fine. */
export function certificationProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.trim()) problems.push('the template is empty');
  for (const m of text.matchAll(TOKEN))
    if (!(m[1]! in CERTIFICATION_PLACEHOLDERS))
      problems.push(
        `unknown placeholder {{${m[1]}}}; use one of ${Object.keys(CERTIFICATION_PLACEHOLDERS)
          .map((p) => `{{${p}}}`)
          .join(', ')}`,
      );
  const rest = text.replace(TOKEN, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('unbalanced "{{" or "}}"');
  return problems;
}

/** Fills the placeholders in one pass (a value that looks like a placeholder is printed as it is). */
export function renderCertification(text: string, facts: CertificationFacts): string {
  return text.replace(TOKEN, (whole, name: string) =>
    name in CERTIFICATION_PLACEHOLDERS ? facts[name as keyof CertificationFacts] : whole,
  );
}

/** Which document kinds make up a production by default. */
export const PRODUCED_KINDS: readonly DocumentKind[] = ['production'];
