import type { ForeignNationalSecurityTable } from '../../domain/foreign-national-security.ts';
import type { DocSection } from './document.ts';
import { bandText, formatCount } from './labels.ts';

/**
 * The reader's section on foreign national-security orders (text, Markdown, HTML, PDF): one row per
 * jurisdiction the provider reports, in bands. A report whose provider reports none has no such section
 * (compute leaves the table out), so nothing about these orders appears in it.
 */
export function foreignNationalSecuritySection(t: ForeignNationalSecurityTable): DocSection {
  const widths = [...new Set(t.entries.map((e) => e.band_width))];
  return {
    id: 'foreign_national_security',
    heading: 'Foreign national-security orders',
    paragraphs: [
      'Orders under the national-security laws of other states (for example, warrants under the UK ' +
        'Investigatory Powers Act 2016) are not National Security Letters or FISA orders: they are not ' +
        'counted in the national-security bands above, nor in any other table of this report. Their own laws ' +
        'restrict what may be said about them, so we report them only in bands' +
        (widths.length === 1 ? ` of ${formatCount(widths[0]!)}` : '') +
        ', for the jurisdictions listed and the period of this report. A jurisdiction that is not listed is ' +
        'not reported: its absence says nothing about orders received.',
    ],
    tables: [
      {
        id: 'foreign_national_security',
        caption: 'Foreign national-security orders by jurisdiction (bands)',
        head: ['Jurisdiction', 'Band width', 'Orders received'],
        rows: t.entries.map((e) => ({
          kind: 'normal' as const,
          cells: [e.jurisdiction_name, e.band_width, bandText(e.requests)],
        })),
      },
    ],
    charts: [],
  };
}
