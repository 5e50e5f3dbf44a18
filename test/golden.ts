import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * Golden files: compare a rendered output byte for byte with `test/golden/<name>`. Run with
 * `UPDATE_GOLDEN=1` to (re)write them, then review the diff like any other change of the report. A missing
 * golden file fails the test (it is never written silently): a new output is accepted only on purpose.
 */
const dir = new URL('./golden/', import.meta.url);

export function expectGolden(name: string, actual: string): void {
  const file = new URL(name, dir);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) {
    throw new Error(
      `missing golden file test/golden/${name}: run with UPDATE_GOLDEN=1 to write it, then review it`,
    );
  }
  expect(actual, `output differs from test/golden/${name} (UPDATE_GOLDEN=1 to accept)`).toBe(
    readFileSync(file, 'utf8'),
  );
}
