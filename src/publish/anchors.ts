import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CandorError } from '../errors.ts';

/**
 * Audit anchors of a published repository: the `audit_head` recorded in every `report.json` under
 * `reports/<period>/` and `reports/<period>/v<N>/`. `candor audit verify --against` checks each is still in
 * the audit log, so a log rewritten after publication no longer matches what the public holds.
 */

export interface Anchor {
  /** Path of the report.json, relative to the repository. */
  file: string;
  audit_head: string;
}

/** Every anchored audit head in the repository at `dir` (reports without one are skipped). */
export function collectAnchors(dir: string): Anchor[] {
  const reports = path.join(dir, 'reports');
  if (!existsSync(reports) || !statSync(reports).isDirectory())
    throw new CandorError('not_found', `${dir} has no reports/ folder: not a published report repository`);
  const files: string[] = [];
  for (const period of readdirSync(reports).sort()) {
    const pdir = path.join(reports, period);
    if (!statSync(pdir).isDirectory()) continue;
    files.push(path.join('reports', period, 'report.json'));
    for (const v of readdirSync(pdir).sort())
      if (/^v\d+$/.test(v)) files.push(path.join('reports', period, v, 'report.json'));
  }
  const anchors: Anchor[] = [];
  for (const file of files) {
    const abs = path.join(dir, file);
    if (!existsSync(abs)) continue;
    let head: unknown;
    try {
      head = (JSON.parse(readFileSync(abs, 'utf8')) as { audit_head?: unknown }).audit_head;
    } catch (e) {
      throw new CandorError('invalid', `${file}: not readable JSON (${(e as Error).message})`);
    }
    if (head === null || head === undefined) continue;
    if (typeof head !== 'string' || !/^[0-9a-f]{64}$/.test(head))
      throw new CandorError('invalid', `${file}: audit_head is not a SHA-256 hex digest`);
    anchors.push({ file: file.split(path.sep).join('/'), audit_head: head });
  }
  return anchors;
}
