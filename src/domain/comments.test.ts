import { describe, expect, it } from 'vitest';
import { commentInput, correspondenceInput, mentionsIn } from './comments.ts';

describe('mentions', () => {
  it('are @ then an e-mail address, lower-cased, each once, without trailing punctuation', () => {
    expect(mentionsIn('@Ana@Example.com please check, and @bo@example.org.')).toEqual([
      'ana@example.com',
      'bo@example.org',
    ]);
    expect(mentionsIn('(@ana@example.com) @ana@example.com')).toEqual(['ana@example.com']);
  });
  it('are not a plain address, nor an @ inside a word', () => {
    expect(mentionsIn('write to ana@example.com or x@ana@example.com')).toEqual([]);
    expect(mentionsIn('@ana alone, @ana@localhost')).toEqual([]);
  });
});

describe('comment and correspondence input', () => {
  it('refuses an empty or overlong comment, naming the field', () => {
    for (const text of ['   ', 'x'.repeat(10_001)]) {
      const r = commentInput.safeParse({ text });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['text']);
    }
    expect(commentInput.parse({ text: ` ${'x'.repeat(10_000)} ` }).text).toHaveLength(10_000);
  });
  it('refuses an unknown channel or direction, naming the field', () => {
    const base = {
      direction: 'sent',
      occurred_at: '2026-11-02T10:00:00Z',
      channel: 'email',
      counterpart: 'SA Jane Roe, FBI Boston',
      summary: 'Asked for the 2703(d) order.',
    };
    expect(correspondenceInput.parse(base).occurred_at).toBe('2026-11-02T10:00:00.000Z');
    const r = correspondenceInput.safeParse({ ...base, channel: 'pigeon', direction: 'up' });
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['channel', 'direction']);
  });
});
