import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { buildApp } from '../http/app.ts';
import { startBackgroundJobs } from '../services/background.ts';
import { createServices } from '../services/index.ts';
import { firstRunLink } from '../services/auth.ts';
import { CandorError } from '../errors.ts';
import { out } from './output.ts';

/** `candor serve`: holds the database (migrating it first) and serves until SIGINT / SIGTERM. */
export async function runServe(o: { port?: string; host?: string }): Promise<void> {
  const config = loadConfig();
  const port = o.port !== undefined ? Number(o.port) : config.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CandorError('invalid', `--port: expected a port number 0-65535, got ${o.port}`);
  }
  const conn = await openDatabase(config, { role: 'server', migrate: true });
  const deps = { db: conn.db, config, clock: () => new Date() };
  const services = createServices(deps);
  // Secrets an older Candor stored in plaintext are sealed before the first request can read them.
  const sealed = await services.keys.sealPlaintext();
  const n = Object.values(sealed).reduce((a, b) => a + b, 0);
  if (n > 0) out(`sealed ${n} secret(s) stored in plaintext by an older Candor (${JSON.stringify(sealed)})`);
  // Audit events a server left waiting for the sequencer when it stopped are chained before anything reads.
  await services.audit.sealPending();
  // Imports that a stopped process left half-staged are deleted (invisible, but they take room). The server
  // that runs the embedded engine holds it alone, so every unpublished import is such a leftover; on
  // PostgreSQL only those untouched for a while are, as another instance may be importing.
  const left = await services.imports.discardAbandoned({ all: conn.engine !== undefined });
  if (left > 0) out(`deleted the staged rows of ${left} import(s) left unfinished or already published`);
  // Links the server hands out use the address it serves (or CANDOR_PUBLIC_URL), never a request's Host.
  const served = Object.freeze({ ...config, port, host: o.host ?? config.host });
  const app = await buildApp({ config: served, services, logger: true });
  try {
    await app.listen({ port, host: served.host });
  } catch (e) {
    await app.close();
    await conn.close();
    throw new CandorError(
      'unavailable',
      `cannot listen on ${o.host ?? config.host}:${port}: ${(e as Error).message}`,
    );
  }
  const addr = app.server.address();
  const url =
    typeof addr === 'object' && addr ? `http://${o.host ?? config.host}:${addr.port}` : String(addr);
  out(`Candor is serving ${url} on the ${conn.describe}`);
  out(`API docs: ${url}/api/docs`);
  const jobs =
    config.jobsIntervalSeconds > 0
      ? startBackgroundJobs(deps, services, config.jobsIntervalSeconds * 1000, (line) => app.log.info(line))
      : null;
  const link = await firstRunLink(services, config.publicUrl ?? url);
  if (link)
    out(`First run: open ${link} to set the first administrator's password (works once, for 24 hours).`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out('stopping...');
  await jobs?.stop();
  await app.close();
  await conn.close();
}
