/**
 * Customer contact details as audit events record them: the address a notice went to (`to`, `to_email`),
 * a contact's `email` and `name`. Roles that may not see customer contacts (no `notice.read`) see these
 * fields in a timeline as `CONTACT_HIDDEN`, wherever they sit in an event's before or after.
 */
export const CONTACT_FIELDS: ReadonlySet<string> = new Set(['to', 'to_email', 'email', 'name']);

export const CONTACT_HIDDEN = '(hidden: customer contact)';

/** A copy of an event's before/after value with every contact field's value hidden. */
export function hideContactFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideContactFields);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      CONTACT_FIELDS.has(k) && v !== null && v !== undefined ? CONTACT_HIDDEN : hideContactFields(v),
    ]),
  );
}
