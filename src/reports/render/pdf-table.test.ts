import { beforeAll, describe, expect, it } from 'vitest';
import type { DocTable } from './document.ts';
import { fitTable, loadMetrics } from './pdf-table.ts';

const ROOM = 504;
const PAD = 8;
const table = (columns: number, head: (i: number) => string): DocTable => ({
  id: 't',
  caption: 'A table',
  head: Array.from({ length: columns }, (_, i) => head(i)),
  rows: [
    {
      kind: 'normal',
      cells: ['Saint Vincent and the Grenadines', ...Array.from({ length: columns - 1 }, () => 123456)],
    },
    { kind: 'total', cells: ['Total', ...Array.from({ length: columns - 1 }, () => 1234567)] },
  ],
  note: 'A note.',
});

describe('fitTable', () => {
  beforeAll(loadMetrics);

  it('gives a narrow table the full width at the normal size, the row labels taking the rest', () => {
    const [f, ...more] = fitTable(
      table(3, (i) => `Column ${i}`),
      ROOM,
    );
    expect(more).toEqual([]);
    expect(f!.fontSize).toBe(9);
    expect(f!.widths.reduce((a, b) => a + b + PAD, 0)).toBeCloseTo(ROOM, 0);
    expect(f!.widths[0]).toBeGreaterThan(f!.widths[1]!);
  });

  it('sets a wide table in smaller type before it would cross the margin', () => {
    const [f, ...more] = fitTable(
      table(11, (i) => `Withdrawn after notice ${i}`),
      ROOM,
    );
    expect(more).toEqual([]);
    expect(f!.fontSize).toBeLessThan(9);
    expect(f!.widths.reduce((a, b) => a + b + PAD, 0)).toBeLessThanOrEqual(ROOM);
  });

  it('splits a table too wide for any size into parts that fit, each with the row labels', () => {
    const parts = fitTable(
      table(30, (i) => `Acknowledgement${i}`),
      ROOM,
    );
    expect(parts.length).toBeGreaterThan(1);
    const seen = parts.flatMap((p) => p.table.head.slice(1));
    expect(seen).toEqual(Array.from({ length: 29 }, (_, i) => `Acknowledgement${i + 1}`));
    for (const [k, p] of parts.entries()) {
      expect(p.widths.reduce((a, b) => a + b + PAD, 0)).toBeLessThanOrEqual(ROOM);
      expect(p.table.head[0]).toBe('Acknowledgement0');
      expect(p.table.rows[0]!.cells[0]).toBe('Saint Vincent and the Grenadines');
      expect(p.table.caption).toBe(`A table (part ${k + 1} of ${parts.length})`);
      expect(p.table.note).toBe(k === parts.length - 1 ? 'A note.' : undefined);
    }
  });
});
