import type { StoredVersion } from '../repositories/report-versions-repository.ts';
import { reportDataSchema, type ReportData } from './report-data.ts';

/**
 * One frozen (immutable) version of a period's report: what `candor report freeze` / `correct` store and what
 * publishing writes to the public repository. `data.version.number === number` and
 * `data.version.status === 'frozen'`; `data.audit_head` is the audit log head hash at freeze time.
 */
export interface FrozenVersion {
  /** '2015-H1', '2015' or '2015-01-01..2015-03-31' */
  period: string;
  number: number;
  /** ISO instant */
  frozen_at: string;
  audit_head: string | null;
  data: ReportData;
  /** SHA-256 of every rendered file, keyed by its path in the published layout, e.g. 'report.txt'. */
  file_hashes: Record<string, string>;
  /** The bytes of the files it was frozen with, by the same paths, where kept (versions frozen since December
   *  2026): served and published as they are, whatever the renderers of today would make. */
  files?: ReadonlyMap<string, Buffer>;
}

/** A stored version as the renderers need it. */
export function toFrozenVersion(r: StoredVersion): FrozenVersion {
  return {
    period: r.period,
    number: r.number,
    frozen_at: r.frozen_at.toISOString(),
    audit_head: r.audit_head,
    // jsonb does not keep key order; parsing rebuilds every object in schema order for the renderers.
    data: reportDataSchema.parse(r.data),
    file_hashes: r.file_hashes,
  };
}
