import type { ReportData } from '../report-data.ts';
import type { DocTable } from './document.ts';
import { IDENTIFIER_KIND_LABELS, PROCESS_LABELS, formatPct } from './labels.ts';

/**
 * The tables of history as providers publish it (issue 19.6): requests by identifier kind, the share of
 * requests with some data produced, and account deletion apart from restriction. Each is `[]` for a version
 * frozen before schema version 5, which did not report it, so its bytes stay as published.
 */

type Tables = ReportData['tables'];

export function identifierKindTables(t: Tables): DocTable[] {
  if (!t.identifier_kinds) return [];
  return [
    {
      id: 'identifier_kinds',
      caption: 'Requests by kind of identifier specified',
      head: ['Identifier kind', 'Requests', 'Identifiers specified', 'Accounts specified'],
      rows: t.identifier_kinds.map((r) => ({
        kind: 'normal',
        cells: [
          IDENTIFIER_KIND_LABELS[r.identifier_kind],
          r.requests,
          r.identifiers_specified,
          r.accounts_specified,
        ],
      })),
      note: 'A request counts once, by the kind of identifier it is about; an account is counted once per row.',
    },
  ];
}

const SHARE_HEAD = ['Requests', 'With a known outcome', 'Some data produced', 'Share'];
const SHARE_NOTE =
  'Share: requests where some data was produced, of those answered with a known outcome (requests still ' +
  'open and history whose outcome was not disclosed or recorded are left out of the base).';

export function dataProducedTables(t: Tables): DocTable[] {
  const d = t.data_produced;
  if (!d) return [];
  const names = new Map(t.by_country.map((c) => [c.country, c.country_name]));
  const cells = (r: {
    requests: number;
    with_outcome: number;
    some_data_produced: number;
    pct: number | null;
  }) => [r.requests, r.with_outcome, r.some_data_produced, formatPct(r.pct)];
  return [
    {
      id: 'data_produced_process',
      caption: 'Requests with some data produced, by legal process',
      head: ['Legal process', ...SHARE_HEAD],
      rows: d.by_process_type.map((r) => ({
        kind: 'normal',
        cells: [PROCESS_LABELS[r.process_type], ...cells(r)],
      })),
      note: SHARE_NOTE,
    },
    {
      id: 'data_produced_country',
      caption: 'Requests with some data produced, by country',
      head: ['Country', ...SHARE_HEAD],
      rows: d.by_country.map((r) => ({
        kind: 'normal',
        cells: [names.get(r.country) ?? r.country, ...cells(r)],
      })),
      note: SHARE_NOTE,
    },
  ];
}

export function accountActionTables(t: Tables): DocTable[] {
  const a = t.account_actions;
  if (!a) return [];
  return [
    {
      id: 'account_actions',
      caption: 'Action on accounts',
      head: ['Action', 'Accounts'],
      rows: [
        { kind: 'normal', cells: ['Accounts restricted (not deleted)', a.accounts_restricted] },
        { kind: 'normal', cells: ['Accounts deleted', a.accounts_deleted] },
      ],
    },
  ];
}

/** Said under the pushback table when history without a recorded outcome is in the period. */
export function pushbackNote(t: Tables): string | undefined {
  const n = t.by_country.reduce((s, c) => s + (c.outcomes.not_recorded ?? 0), 0);
  return n > 0
    ? `Requests whose outcome was not disclosed or recorded (${n.toLocaleString('en-US')}) are not counted as pushback.`
    : undefined;
}
