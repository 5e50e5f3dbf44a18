#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a checkout needs no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Name the project's tsconfig explicitly: it maps the JSX runtime (`#jsx`), and the cwd may be elsewhere.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
