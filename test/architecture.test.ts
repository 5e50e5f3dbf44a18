import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers' "never" rules (docs/ARCHITECTURE.md), checked on every file of `src/`: a forbidden import or a
 * query written outside the repositories fails CI, so the layering cannot erode one convenient import at a
 * time. Imports are read with TypeScript's own pre-processor (it sees `import type`, re-exports and dynamic
 * imports alike), not with a regular expression.
 */

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx|js)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The `src/`-relative paths a file imports from our own tree (packages are left out). */
function ourImports(file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.') || spec.startsWith('#'))
    .map((spec) =>
      spec.startsWith('#')
        ? spec // package.json `imports` (e.g. #jsx): resolved below by name
        : path.relative(src, path.resolve(path.dirname(file), spec)),
    );
}

/** `src/`-relative path's top folder: 'domain', 'services', ... ('' for files directly in src/). */
function layerOf(rel: string): string {
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** A query written by hand: Kysely's builders or its `sql` template tag. */
const QUERY =
  /\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql(<[^>]*>)?`|\bsql\.(raw|ref|lit|id|join|table|val)\b/;

export interface Violation {
  file: string;
  rule: string;
  detail: string;
}

/** Every rule broken by one file, given its `src/`-relative path and text. */
export function violations(rel: string, text: string): Violation[] {
  const out: Violation[] = [];
  const layer = layerOf(rel);
  const imports = ourImports(path.join(src, rel), text);
  for (const imp of imports) {
    if (imp.startsWith('#')) continue;
    if (imp.startsWith('..')) continue; // outside src/ (the published JSON Schema in schema/)
    const target = layerOf(imp);
    if (layer === 'domain' && target !== 'domain') {
      out.push({ file: rel, rule: 'domain imports nothing of ours outside domain/', detail: imp });
    }
    if (layer === 'demo' && target !== 'demo' && target !== 'domain') {
      out.push({ file: rel, rule: 'demo imports nothing of ours outside demo/ and domain/', detail: imp });
    }
    if (['http', 'web', 'cli'].includes(layer) && target === 'repositories') {
      out.push({
        file: rel,
        rule: 'http, web and cli never import repositories/ (go through a service)',
        detail: imp,
      });
    }
    if (layer === 'repositories' && (target === 'services' || target === 'reports')) {
      out.push({ file: rel, rule: 'repositories never import services/ or reports/', detail: imp });
    }
  }
  const inRepositories =
    rel.startsWith(`repositories${path.sep}`) || rel.startsWith(path.join('db', 'migrations') + path.sep);
  if (!inRepositories) {
    text.split('\n').forEach((line, i) => {
      if (QUERY.test(line)) {
        out.push({
          file: rel,
          rule: 'SQL (selectFrom, insertInto, updateTable, deleteFrom, sql) only in repositories/ and db/migrations/',
          detail: `line ${i + 1}: ${line.trim()}`,
        });
      }
    });
  }
  return out;
}

describe('the layers', () => {
  it('every file of src/ keeps the never-rules', () => {
    const found = sourceFiles(src).flatMap((f) => violations(path.relative(src, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });

  // The checker itself must be able to fail: one file per rule, each breaking it.
  it.each([
    ['domain/x.ts', "import { db } from '../db/connect.ts';", 'domain imports nothing'],
    ['domain/x.ts', "export type { Y } from '../services/y.ts';", 'domain imports nothing'],
    ['demo/x.ts', "import { db } from '../services/x.ts';", 'demo imports nothing'],
    [
      'http/routes/x.ts',
      "import { findRequest } from '../../repositories/requests-repository.ts';",
      'http, web and cli',
    ],
    ['web/pages/x.tsx', "const m = await import('../../repositories/x.ts');", 'http, web and cli'],
    ['cli/x.ts', "import type { R } from '../repositories/r.ts';", 'http, web and cli'],
    ['repositories/x.ts', "import { s } from '../services/index.ts';", 'repositories never import'],
    [
      'repositories/x.ts',
      "import type { ReportData } from '../reports/report-data.ts';",
      'repositories never import',
    ],
    ['services/x.ts', "await db.selectFrom('requests').selectAll().execute();", 'SQL'],
    ['services/x.ts', 'await sql`select 1`.execute(db);', 'SQL'],
    ['reports/x.ts', "await trx.deleteFrom('requests').execute();", 'SQL'],
    ['web/x.tsx', 'const q = sql<{ n: number }>`select 1`;', 'SQL'],
  ])('catches %s doing `%s`', (rel, text, rule) => {
    const v = violations(rel.split('/').join(path.sep), text);
    expect(v.map((x) => x.rule).join('\n')).toContain(rule);
  });

  it.each([
    ['domain/x.ts', "import { z } from 'zod';\nimport { P } from './periods.ts';"],
    ['demo/x.ts', "import { iso } from './calendar.ts';\nimport { P } from '../domain/periods.ts';"],
    ['services/x.ts', "import { findRequest } from '../repositories/requests-repository.ts';"],
    ['repositories/x.ts', "await db.selectFrom('requests').selectAll().execute();"],
    ['db/migrations/2026-01-01-x.ts', 'await sql`create table t ()`.execute(db);'],
    [
      'web/pages/x.tsx',
      "// the SQL lives in repositories: selectFrom is not called here\nimport { s } from '../../services/index.ts';",
    ],
  ])('lets %s do `%s`', (rel, text) => {
    expect(violations(rel.split('/').join(path.sep), text)).toEqual([]);
  });
});
