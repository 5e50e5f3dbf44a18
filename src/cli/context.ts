import os from 'node:os';
import { loadConfig, type Config } from '../config.ts';
import type { Connection } from '../db/connect.ts';
import type { Actor } from '../services/authorize.ts';
import type { Services } from '../services/index.ts';

/** The person at the terminal: whoever can run the CLI on the data directory already holds all the data. */
export function operator(): Actor {
  let name = 'operator';
  try {
    name = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep the generic label
  }
  return { label: `cli:${name}`, userId: null, role: 'admin' };
}

export interface CliContext {
  config: Config;
  conn: Connection;
  services: Services;
  actor: Actor;
}

/** Opens the configured database for one command and closes it afterwards, whatever happens. */
export async function withContext<T>(
  fn: (ctx: CliContext) => Promise<T>,
  opts: { role?: 'cli' | 'server'; migrate?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  // Loaded here, not at the top: `candor --help` and argument errors never pay for the database driver and
  // every service (docs/benchmarks.md, CLI start-up).
  const [{ openDatabase }, { createServices }] = await Promise.all([
    import('../db/connect.ts'),
    import('../services/index.ts'),
  ]);
  const conn = await openDatabase(config, { role: opts.role ?? 'cli', migrate: opts.migrate ?? false });
  try {
    const services = createServices({ db: conn.db, config, clock: () => new Date() });
    // CANDOR_AS=<email>: every command acts as that named user, with their role and their restricted-matters
    // grant (docs/workflow.md, "Restricted matters"); without it the operator at the terminal acts.
    const as = process.env.CANDOR_AS?.trim();
    const actor = as ? await services.workflow.actAs(operator(), as) : operator();
    return await fn({ config, conn, services, actor });
  } finally {
    await conn.close();
  }
}
