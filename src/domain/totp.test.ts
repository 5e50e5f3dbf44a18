import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, timeStep, verifyTotp } from './totp.ts';

const rfcSecret = Buffer.from('12345678901234567890');

describe('TOTP (RFC 6238, SHA-1)', () => {
  it('matches the RFC 6238 Appendix B test vectors (last six digits)', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [t, code] of vectors) {
      expect(hotp(rfcSecret, timeStep(new Date(t * 1000)), 8)).toBe(code);
      expect(hotp(rfcSecret, timeStep(new Date(t * 1000)))).toBe(code.slice(2));
    }
  });

  it('round-trips base32 (RFC 4648 test vector "foobar")', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
  });

  it('accepts the code of the previous and next step, not two steps away', () => {
    const secret = base32Encode(rfcSecret);
    const at = new Date(1111111111 * 1000);
    const step = timeStep(at);
    expect(verifyTotp(secret, hotp(rfcSecret, step - 1), at)).toBe(step - 1);
    expect(verifyTotp(secret, hotp(rfcSecret, step + 1), at)).toBe(step + 1);
    expect(verifyTotp(secret, hotp(rfcSecret, step - 2), at)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', at)).toBeNull();
  });

  it('builds an otpauth URI with the secret and issuer', () => {
    expect(otpauthUri('MZXW6YTBOI', 'ana@example.com', 'Candor')).toBe(
      'otpauth://totp/Candor%3Aana%40example.com?secret=MZXW6YTBOI&issuer=Candor&algorithm=SHA1&digits=6&period=30',
    );
  });
});
