import os from 'node:os';
import type { Config } from '../config.ts';
import type { Connection } from '../db/connect.ts';
import type { Actor } from '../services/authorize.ts';
import type { ServiceName, Services } from '../services/wiring.ts';

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

export interface CliContext<K extends ServiceName = ServiceName> {
  config: Config;
  conn: Connection;
  services: Pick<Services, K>;
  actor: Actor;
}

export interface ContextOptions<K extends ServiceName> {
  role?: 'cli' | 'server';
  migrate?: boolean;
  /**
   * The services the command uses: only their modules are imported (`candor request show` needs no mailer,
   * no report renderer). Without it every service's module is imported.
   */
  services?: readonly K[];
}

/** Opens the configured database for one command and closes it afterwards, whatever happens. */
export async function withContext<T, K extends ServiceName = ServiceName>(
  fn: (ctx: CliContext<K>) => Promise<T>,
  opts: ContextOptions<K> = {},
): Promise<T> {
  const config = (await import('../config.ts')).loadConfig();
  // CANDOR_AS=<email>: every command acts as that named user, with their role and their restricted-matters
  // grant (docs/workflow.md, "Restricted matters"); without it the operator at the terminal acts.
  const as = process.env.CANDOR_AS?.trim();
  // Loaded here, not at the top: `candor --help` and argument errors never pay for the database driver and
  // the services (docs/benchmarks.md, CLI start-up).
  const wiring = import('../services/wiring.ts');
  const named = opts.services;
  const [{ openDatabase }, { wireServices }, factories] = await Promise.all([
    import('../db/connect.ts'),
    wiring,
    named
      ? wiring.then((w) => w.loadFactories(as ? [...named, 'workflow'] : named))
      : import('../services/index.ts').then((i) => i.ALL_FACTORIES),
  ]);
  const conn = await openDatabase(config, { role: opts.role ?? 'cli', migrate: opts.migrate ?? false });
  try {
    const services = wireServices({ db: conn.db, config, clock: () => new Date() }, { ...factories });
    const actor = as ? await services.workflow.actAs(operator(), as) : operator();
    return await fn({ config, conn, services, actor });
  } finally {
    await conn.close();
  }
}
