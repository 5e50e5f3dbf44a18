import { describe, expect, it } from 'vitest';
import { HOLD_REGIMES } from '../domain/preservation.ts';
import { DATA_SOUGHT, NDO_AUTHORITIES, NOTICE_STATUSES } from '../domain/vocabulary.ts';
import { inWords, label } from './labels.ts';

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

  it('spell out the code words in the sentences of the rules, keeping proper names', () => {
    expect(inWords('respond to search_warrant')).toBe('respond to search warrant');
    expect(inWords('response target for national_security_letter (policy)')).toBe(
      'response target for National Security Letter (policy)',
    );
    expect(inWords('a non-disclosure order (sca_2705b) forbids notice')).toBe(
      'a non-disclosure order (18 U.S.C. 2705(b) order) forbids notice',
    );
    expect(inWords('respond to fisa_content_order')).toBe('respond to FISA order (content)');
    expect(inWords('notice waits until 2026-01-01T00:00:00.000Z, then')).toBe(
      'notice waits until 2026-01-01 00:00 UTC, then',
    );
  });
});
