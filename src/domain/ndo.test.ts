import { describe, expect, it } from 'vitest';
import { defaultPolicy, policyConfig } from './policy-config.ts';
import { exceedsDojPolicy, ndoEndsAt, ndoInForce, nextReviewAt, type Ndo } from './ndo.ts';

const issued = new Date('2025-03-01T00:00:00Z');
const dated: Ndo = {
  authority: 'sca_2705b',
  issuedAt: issued,
  expiresAt: new Date('2026-03-01T00:00:00Z'),
  liftedAt: null,
};
const indefinite: Ndo = { ...dated, expiresAt: null };

describe('ndoInForce', () => {
  it('binds until the last millisecond before midnight UTC of its expiry, not at it', () => {
    expect(ndoInForce(dated, new Date('2026-02-28T23:59:59.999Z'))).toBe(true);
    expect(ndoInForce(dated, new Date('2026-03-01T00:00:00Z'))).toBe(false);
    expect(ndoInForce(dated, new Date('2026-03-02T00:00:00Z'))).toBe(false);
  });

  it('binds an indefinite order forever, until lifted', () => {
    expect(ndoInForce(indefinite, new Date('2099-01-01T00:00:00Z'))).toBe(true);
    const lifted = { ...indefinite, liftedAt: new Date('2025-09-01T00:00:00Z') };
    expect(ndoInForce(lifted, new Date('2025-08-31T23:59:59Z'))).toBe(true);
    expect(ndoInForce(lifted, new Date('2025-09-01T00:00:00Z'))).toBe(false);
  });

  it('ends at the earlier of expiry and lifting', () => {
    expect(ndoEndsAt(indefinite)).toBeNull();
    const lift = new Date('2025-06-01T00:00:00Z');
    expect(ndoEndsAt({ ...dated, liftedAt: lift })).toEqual(lift);
    expect(ndoEndsAt({ ...dated, liftedAt: new Date('2027-01-01T00:00:00Z') })).toEqual(dated.expiresAt);
  });
});

describe('nextReviewAt', () => {
  it('reviews an indefinite order a year after issue, then a year after each review', () => {
    expect(nextReviewAt(indefinite, defaultPolicy)?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    const reviewed = { ...indefinite, lastReviewedAt: new Date('2026-02-15T00:00:00Z') };
    expect(nextReviewAt(reviewed, defaultPolicy)?.toISOString()).toBe('2027-02-15T00:00:00.000Z');
  });

  it('reviews NSL and FISA gags every three years', () => {
    const nsl = { ...indefinite, authority: 'nsl_2709c' as const };
    expect(nextReviewAt(nsl, defaultPolicy)?.toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(nextReviewAt({ ...nsl, authority: 'fisa' }, defaultPolicy)).toEqual(
      nextReviewAt(nsl, defaultPolicy),
    );
  });

  it('needs no review for an order that ends first, or was lifted', () => {
    expect(nextReviewAt(dated, defaultPolicy)).toBeNull();
    expect(nextReviewAt({ ...indefinite, liftedAt: issued }, defaultPolicy)).toBeNull();
    expect(nextReviewAt({ ...indefinite, issuedAt: null }, defaultPolicy)).toBeNull();
  });

  it('follows the configured interval', () => {
    const p = policyConfig.parse({ ndo: { reviewIntervalDays: 180 } });
    expect(nextReviewAt(indefinite, p)?.toISOString()).toBe('2025-08-28T00:00:00.000Z');
  });
});

describe('DOJ one-year policy (2017)', () => {
  it('flags indefinite and longer-than-a-year 2705(b) orders only', () => {
    expect(exceedsDojPolicy(dated, defaultPolicy)).toBe(false);
    expect(exceedsDojPolicy({ ...dated, expiresAt: new Date('2026-03-01T00:00:01Z') }, defaultPolicy)).toBe(
      true,
    );
    expect(exceedsDojPolicy(indefinite, defaultPolicy)).toBe(true);
    expect(exceedsDojPolicy({ ...indefinite, authority: 'nsl_2709c' }, defaultPolicy)).toBe(false);
  });
});
