import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chainEvent,
  eventHash,
  GENESIS_HASH,
  verifyChain,
  type ChainedEvent,
} from './audit-chain.ts';

function chain(n: number): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      chainEvent(out.at(-1) ?? null, {
        at: new Date(Date.UTC(2026, 0, 1, 0, i)),
        actor: 'u-1',
        action: 'request.update',
        entity: 'request',
        entityId: 'r1',
        before: { status: 'received' },
        after: { status: 'in_review', n: i },
      }),
    );
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys recursively, drops whitespace and writes dates as ISO strings', () => {
    const v = { b: [{ z: 1, a: null }], a: new Date('2026-01-01T00:00:00Z'), é: 'x', Z: true };
    expect(canonicalJson(v)).toBe('{"Z":true,"a":"2026-01-01T00:00:00.000Z","b":[{"a":null,"z":1}],"é":"x"}');
  });

  it('refuses what JSON.stringify would drop or mangle', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow(TypeError);
    expect(() => canonicalJson([Number.NaN])).toThrow(TypeError);
    expect(() => canonicalJson(Infinity)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(new Map())).toThrow(TypeError);
    expect(() => canonicalJson(new Date('nope'))).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
  });

  it('does not depend on key insertion order', () => {
    const dict = fc.dictionary(
      fc.string(),
      fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)),
    );
    fc.assert(
      fc.property(dict, (o) => {
        const reversed = Object.fromEntries(Object.entries(o).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(o));
        expect(JSON.parse(canonicalJson(o))).toEqual(o);
      }),
    );
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and returns its head', () => {
    const c = chain(5);
    expect(c[0]?.prevHash).toBe(GENESIS_HASH);
    expect(verifyChain(c)).toEqual({ ok: true, head: c[4]?.hash, count: 5 });
    expect(verifyChain([])).toEqual({ ok: true, head: GENESIS_HASH, count: 0 });
  });

  it('hashes the genesis event with 64 zeros as its previous hash', () => {
    const [first] = chain(1);
    expect(first && eventHash(null, first)).toBe(first && eventHash(GENESIS_HASH, first));
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names an edited event', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, after: { status: 'closed' } };
    expect(verifyChain(c)).toEqual({ ok: false, firstBrokenSeq: 3, reason: 'hash_mismatch' });
  });

  it('names the event after an edit whose hash was recomputed', () => {
    const c = chain(5);
    const edited = { ...c[2]!, actor: 'intruder' };
    c[2] = { ...edited, hash: eventHash(edited.prevHash, edited) };
    expect(verifyChain(c)).toEqual({ ok: false, firstBrokenSeq: 4, reason: 'prev_mismatch' });
  });

  it('names the place of a deleted event', () => {
    const c = chain(5);
    c.splice(1, 1);
    expect(verifyChain(c)).toEqual({ ok: false, firstBrokenSeq: 2, reason: 'sequence_gap' });
    expect(verifyChain(chain(5).slice(1))).toEqual({ ok: false, firstBrokenSeq: 1, reason: 'sequence_gap' });
  });

  it('names a deleted event even when the rest were renumbered', () => {
    const c = chain(5);
    const renumbered = [c[0]!, ...c.slice(2).map((e) => ({ ...e, seq: e.seq - 1 }))];
    expect(verifyChain(renumbered)).toEqual({ ok: false, firstBrokenSeq: 2, reason: 'prev_mismatch' });
  });

  it('names the first of two swapped events', () => {
    const c = chain(5);
    [c[2], c[3]] = [c[3]!, c[2]!];
    expect(verifyChain(c)).toEqual({ ok: false, firstBrokenSeq: 3, reason: 'sequence_gap' });
  });

  it('verifies a later stretch from a known anchor', () => {
    const c = chain(6);
    expect(verifyChain(c.slice(3), { seq: 3, hash: c[2]!.hash })).toMatchObject({ ok: true, count: 3 });
    expect(verifyChain(c.slice(3), { seq: 3, hash: c[1]!.hash })).toMatchObject({ firstBrokenSeq: 4 });
  });
});
