import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The README's tour of a legal team's day, run as written: the shell block after `<!-- readme-tour -->` is
// read from README.md (so the test and the README cannot drift) and run by bash, top to bottom, with
// `set -e`, on a fresh data directory. `npx candor` is this checkout's bin/candor.js.

const repo = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-tour-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The README's tour block. */
export function tourBlock(readme: string): string {
  const at = readme.indexOf('<!-- readme-tour -->');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block?.[1]) throw new Error('README.md has no <!-- readme-tour --> shell block');
  return block[1];
}

describe("the README's tour", () => {
  it('runs as written on a fresh data directory', { timeout: 600_000 }, async () => {
    const script = tourBlock(readFileSync(path.join(repo, 'README.md'), 'utf8'));
    expect(script).toContain('npx candor request add');
    symlinkSync(path.join(repo, 'docs'), path.join(tmp, 'docs'));
    const env: NodeJS.ProcessEnv = { ...process.env, CANDOR_DATA_DIR: path.join(tmp, 'data'), REPO: repo };
    delete env.DATABASE_URL;
    const { stdout } = await promisify(execFile)(
      'bash',
      ['-e', '-o', 'pipefail', '-c', `npx() { shift; node "$REPO/bin/candor.js" "$@"; }\n${script}`],
      { cwd: tmp, env, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout).toContain('added ana@example.com as handler');
    expect(stdout).toMatch(/request \d+ \(GJ-2026-17\): in_review/);
    expect(stdout).toContain('ana@example.com is now approver (was handler)');
    expect(stdout).toContain('disabled ana@example.com');
    expect(stdout).toMatch(/audit log intact: \d+ events/);
  });
});
