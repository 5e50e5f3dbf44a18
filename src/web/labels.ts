import { CHANNEL_LABELS, OUTCOME_LABELS, PROCESS_LABELS } from '../reports/render/labels.ts';

/** A readable label for any vocabulary value: the report's labels where they exist, else the words. */
export function label(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const known =
    (PROCESS_LABELS as Record<string, string>)[value] ??
    (OUTCOME_LABELS as Record<string, string>)[value] ??
    (CHANNEL_LABELS as Record<string, string>)[value];
  if (known) return known;
  const words = value
    .replace(/^STATEMENT_CATEGORY_/, '')
    .replaceAll('_', ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `2026-01-10 09:30 UTC` from an ISO instant. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
