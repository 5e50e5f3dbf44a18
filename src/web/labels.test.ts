import { describe, expect, it } from 'vitest';
import { HOLD_REGIMES } from '../domain/preservation.ts';
import { DATA_SOUGHT, NDO_AUTHORITIES, NOTICE_STATUSES } from '../domain/vocabulary.ts';
import { label } from './labels.ts';

describe('labels on the web pages', () => {
  it('name statutes and orders in proper words, not code words', () => {
    expect(label('sca_2705b')).toBe('18 U.S.C. 2705(b) order');
    expect(label('eu_epoc_pr')).toBe('EU preservation order (EPOC-PR)');
    expect(label('sca_2703f')).toBe('18 U.S.C. 2703(f) preservation');
  });

  it('leave no vocabulary value of the action forms as a spelled-out code', () => {
    for (const v of [...HOLD_REGIMES, ...NDO_AUTHORITIES, ...DATA_SOUGHT, ...NOTICE_STATUSES]) {
      // A code word spelled out keeps a digit run glued to letters ("Sca 2705b") or an all-lower acronym.
      expect(label(v), v).not.toMatch(/\b[A-Za-z]+ \d+[a-z]\b|^(Sca|Nsl|Fisa|Eu) /);
    }
  });

  it('fall back to the words of the value for anything else', () => {
    expect(label('awaiting_information')).toBe('Awaiting information');
    expect(label(null)).toBe('—');
  });
});
