#!/usr/bin/env node
// `npm run build` (also run by `npm ci` through `prepare`): compiles src/ to dist/ with tsc and copies the files
// the code reads at run time (static assets, JSON Schemas, the embedded database's plain-JS worker).
// dist/package.json maps `#jsx/*` to the compiled runtime, as the root package.json maps it to the sources.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(path.join(dist, 'build-info.json'), { force: true });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (r.status !== 0) process.exit(r.status ?? 1);

const copies = [
  ['src/web/static', 'src/web/static'],
  ['src/db/embedded-worker.js', 'src/db/embedded-worker.js'],
  ['src/documents/pdf-worker.js', 'src/documents/pdf-worker.js'],
  ...readdirSync(path.join(root, 'schema'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [`schema/${f}`, `schema/${f}`]),
];
for (const [from, to] of copies) {
  mkdirSync(path.dirname(path.join(dist, to)), { recursive: true });
  cpSync(path.join(root, from), path.join(dist, to), { recursive: true });
}
writeFileSync(
  path.join(dist, 'package.json'),
  `${JSON.stringify({ type: 'module', imports: { '#jsx/*': './src/html/*.js' } }, null, 2)}\n`,
);
// Written last: bin/candor.js runs dist/ only when this exists and is newer than every source file.
writeFileSync(
  path.join(dist, 'build-info.json'),
  `${JSON.stringify({ built_at: new Date().toISOString() })}\n`,
);
