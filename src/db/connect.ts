import { rmSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from './pg.ts';
import type { Config } from '../config.ts';
import { CandorError } from '../errors.ts';
import {
  acquireLock,
  privateSocketDir,
  startEngine,
  type EmbeddedEngine,
  type LockInfo,
} from './embedded.ts';
import { privateDir, privateUmask, tightenTree } from './private-files.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** The migrations are imported only by whoever runs them: a CLI command through a server's socket does not. */
async function migrateToLatest(db: Db): Promise<string[]> {
  return (await import('./migrate.ts')).migrateToLatest(db);
}

export interface Connection {
  db: Db;
  kind: 'embedded' | 'postgres';
  /** How this process reaches the database, for messages. */
  describe: string;
  /** The embedded engine this process runs, when it runs one (not when it goes through a server's socket). */
  engine?: EmbeddedEngine;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A server holds the data directory; a CLI command may go through a running server's socket. */
  role: LockInfo['role'];
  /** Run migrations (embedded: always on start-up). */
  migrate?: boolean;
  poolSize?: number;
  /** Where a one-line notice for the operator goes (a data directory whose permissions were fixed). */
  say?: (line: string) => void;
}

function kysely(pool: pg.Pool): Db {
  // An idle client whose server went away emits 'error' on the pool; unheard, it would end the process.
  pool.on('error', (err) => process.stderr.write(`candor: database connection lost: ${err.message}\n`));
  // A client in use whose server went away emits 'error' too, besides failing its query; unheard, that event
  // would end the process with a stack trace. The failed query carries the error to whoever ran it.
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the configured database: PostgreSQL when DATABASE_URL is set, otherwise the embedded one. */
export async function openDatabase(config: Config, opts: OpenOptions): Promise<Connection> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: opts.poolSize ?? 10 });
    const db = kysely(pool);
    try {
      await pool.query('select 1');
    } catch (err) {
      await db.destroy();
      throw new CandorError('unavailable', `cannot connect to PostgreSQL: ${(err as Error).message}`);
    }
    if (opts.migrate) await migrateToLatest(db);
    return { db, kind: 'postgres', describe: 'PostgreSQL', close: () => db.destroy() };
  }
  return openEmbedded(config.dataDir, opts);
}

/**
 * Makes an embedded data directory private to its owner (0700 folders, 0600 files) before anything is
 * written in it; an install made by an older Candor is tightened, and `say` is told so once. The published
 * repository (`public/`, public by nature) is left as it is.
 */
export function securePrivateDataDir(dataDir: string, say: (line: string) => void): void {
  privateUmask();
  privateDir(dataDir);
  const changed = tightenTree(dataDir, ['public']);
  if (changed > 0) {
    say(
      `candor: made ${changed} file${changed === 1 ? '' : 's'} in ${dataDir} private to their owner ` +
        '(other users could read them: password hashes, customer contacts, the database itself)',
    );
  }
}

/** Opens the embedded database in `dataDir`, or joins the process that already holds it. */
export async function openEmbedded(dataDir: string, opts: OpenOptions): Promise<Connection> {
  securePrivateDataDir(dataDir, opts.say ?? ((line) => process.stderr.write(`${line}\n`)));
  const socketDir = privateSocketDir();
  const lock = acquireLock(dataDir, opts.role, socketDir);
  if (!lock.acquired) {
    rmSync(socketDir, { recursive: true, force: true });
    const holder = lock.holder;
    if (opts.role === 'server') {
      throw new CandorError(
        'conflict',
        `another Candor process (pid ${holder.pid}, ${holder.role}) is using the data directory ${dataDir}; ` +
          'stop it first, or use a different CANDOR_DATA_DIR',
      );
    }
    const pool = new pg.Pool({ host: holder.socketDir, user: 'postgres', database: 'postgres', max: 2 });
    const db = kysely(pool);
    try {
      await pool.query('select 1');
    } catch (err) {
      await db.destroy();
      throw new CandorError(
        'unavailable',
        `the data directory ${dataDir} is held by pid ${holder.pid} but its socket does not answer: ${(err as Error).message}`,
      );
    }
    return {
      db,
      kind: 'embedded',
      describe: `embedded database via pid ${holder.pid}`,
      close: () => db.destroy(),
    };
  }
  let engine: EmbeddedEngine | undefined;
  try {
    engine = await startEngine({ pgdata: path.join(dataDir, 'pgdata'), socketDir });
    // Whoever starts the embedded engine brings its schema up to date first: zero setup, any command.
    const conn = await connectEngine(engine, { ...opts, migrate: true });
    const close = conn.close;
    return {
      ...conn,
      describe: `embedded database in ${dataDir}`,
      close: async () => {
        await close();
        lock.release();
      },
    };
  } catch (err) {
    if (engine) await engine.stop();
    else rmSync(socketDir, { recursive: true, force: true });
    lock.release();
    throw err;
  }
}

/** Connects a pool to a running engine; closing the connection stops the engine. */
export async function connectEngine(engine: EmbeddedEngine, opts: OpenOptions): Promise<Connection> {
  const pool = new pg.Pool({
    host: engine.socketDir,
    user: 'postgres',
    database: 'postgres',
    max: opts.poolSize ?? 4,
  });
  const db = kysely(pool);
  if (opts.migrate !== false) {
    try {
      await migrateToLatest(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return {
    db,
    kind: 'embedded',
    engine,
    describe: 'embedded database',
    close: async () => {
      await db.destroy();
      await engine.stop();
    },
  };
}
