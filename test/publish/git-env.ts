import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A git identity and no machine or user configuration: tests must not depend on the host's git setup. */
export function isolateGit(): void {
  Object.assign(process.env, {
    GIT_AUTHOR_NAME: 'Candor Test',
    GIT_AUTHOR_EMAIL: 'test@candor.invalid',
    GIT_COMMITTER_NAME: 'Candor Test',
    GIT_COMMITTER_EMAIL: 'test@candor.invalid',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  });
}

export const tmpDir = (name: string) => mkdtempSync(path.join(os.tmpdir(), `candor-${name}-`));

/** Runs git synchronously in `cwd` and returns its trimmed output. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
