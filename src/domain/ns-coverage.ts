import { reportingWindows, type DateWindow, type NationalSecurityOption } from './national-security.ts';
import { parsePeriod, type Period } from './periods.ts';

/**
 * Which days of a report's period the 1874(b) windows leave out, and where those days are reported instead
 * (DOMAIN.md §3). Two 180-day windows never cover a year (181-184 days a half-year), FISA figures under
 * (a)(1)/(a)(2) lag 180 days behind, and (a)(4) covers the year ending a year before publication: a reader
 * needs to know which days a band covers, which it does not, and which later report holds them.
 *
 * The neighbouring reports are assumed to be published on their default date (period end + the configured
 * lag), as `candor report freeze --all-complete` does.
 */

const DAY_MS = 86_400_000;
const day = (s: string): number => Date.parse(`${s}T00:00:00Z`);
const fmt = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** The default publication date of a period's report: its last day plus `lagDays`. */
export function defaultPublicationDate(periodEnd: string, lagDays: number): string {
  return fmt(day(periodEnd) + lagDays * DAY_MS);
}

/** Window kinds as published: `nsl`/`fisa` under (a)(1)/(a)(2), `combined` otherwise. */
export type WindowKind = 'nsl' | 'fisa' | 'combined';

export interface UncoveredDays {
  /** The band(s) the days are missing from: `fisa` stands for both FISA entries. */
  kind: WindowKind;
  start: string;
  end: string;
  /** The report (period id, published on its default date) whose window holds these days; null: none. */
  appears_in: string | null;
}

/** A half-year report is published each half-year; (a)(4) is annual (1874(a)). */
const annual = (o: NationalSecurityOption) => o === 'a4';

function neighbours(option: NationalSecurityOption, p: Period): Period[] {
  const y0 = Number(p.start.slice(0, 4));
  const y1 = Number(p.end.slice(0, 4));
  const ids: string[] = [];
  for (let y = y0 - 2; y <= y1 + 3; y++) {
    if (annual(option)) ids.push(String(y));
    else ids.push(`${y}-H1`, `${y}-H2`);
  }
  return ids.map(parsePeriod).filter((n) => n.id !== p.id);
}

const windowsOf = (option: NationalSecurityOption, publicationDate: string) => {
  const w = reportingWindows(option, publicationDate);
  return { nsl: w.nsl, fisa: w.fisa, combined: w.combined } as Record<WindowKind, DateWindow | undefined>;
};

const holds = (w: DateWindow | undefined, d: string) => w !== undefined && w.start <= d && d <= w.end;

/**
 * The days of `period` that no window of this report covers, grouped in ranges, with the report that will
 * hold them. `ownWindows` are the windows this report actually publishes (an annual report under a
 * half-year option publishes one per half-year); by default those of `publicationDate`.
 */
export function uncoveredDays(
  option: NationalSecurityOption,
  period: string,
  publicationDate: string,
  lagDays: number,
  ownWindows?: Partial<Record<WindowKind, DateWindow[]>>,
): UncoveredDays[] {
  const p = parsePeriod(period);
  const own: Partial<Record<WindowKind, DateWindow[]>> =
    ownWindows ??
    Object.fromEntries(
      Object.entries(windowsOf(option, publicationDate))
        .filter(([, w]) => w !== undefined)
        .map(([k, w]) => [k, [w!]]),
    );
  const others = neighbours(option, p).map((n) => ({
    id: n.id,
    windows: windowsOf(option, defaultPublicationDate(n.end, lagDays)),
  }));
  const out: UncoveredDays[] = [];
  for (const kind of Object.keys(own) as WindowKind[]) {
    let open: UncoveredDays | null = null;
    for (let t = day(p.start); t <= day(p.end); t += DAY_MS) {
      const d = fmt(t);
      const covered = (own[kind] ?? []).some((w) => holds(w, d));
      const where = covered ? undefined : (others.find((o) => holds(o.windows[kind], d))?.id ?? null);
      if (open && where !== undefined && open.appears_in === where && day(open.end) + DAY_MS === t) {
        open.end = d;
        continue;
      }
      if (where !== undefined) {
        open = { kind, start: d, end: d, appears_in: where };
        out.push(open);
      }
    }
  }
  return out;
}
