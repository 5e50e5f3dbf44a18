import type { RequestInput } from '../../src/domain/request-input.ts';

let n = 0;
/** A valid request input; override any field. */
export function requestFactory(over: Partial<RequestInput> = {}): RequestInput {
  n++;
  return {
    external_ref: `TEST-${n}-${Math.random().toString(36).slice(2, 8)}`,
    received_at: '2026-01-10T09:30:00Z',
    agency: {
      name: 'Federal Bureau of Investigation',
      kind: 'law_enforcement',
      level: 'federal',
      country: 'US',
    },
    process_type: 'grand_jury_subpoena',
    data_sought: ['basic_subscriber'],
    accounts: [`AC${n.toString(16).padStart(32, '0')}`],
    ...over,
  };
}
