#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci` runs through `prepare`). In a checkout
// without a build, or whose sources changed since the last build, it runs the TypeScript sources through tsx
// (a dev dependency), so editing a file never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time under a folder, in ms (0 when it does not exist). */
function newest(dir) {
  let t = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtIsFresh() {
  const info = `${root}dist/build-info.json`;
  if (!existsSync(info)) return false;
  // An installed package has no src/: its dist is all there is.
  if (!existsSync(`${root}src`)) return true;
  const built = statSync(info).mtimeMs;
  return newest(`${root}src`) <= built && newest(`${root}schema`) <= built;
}

let main;
if (builtIsFresh()) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
