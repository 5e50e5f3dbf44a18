// @ts-check
/**
 * The embedded database: PGlite in this worker thread, served on a private unix socket so that the main
 * thread (and CLI processes) talk to it with the same `pg` driver as production, and a long query never
 * blocks the server's event loop.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader of its parent (tsx,
 * vitest), so this file must run in bare Node.
 *
 * PGlite is ONE session. We multiplex client connections onto it ourselves instead of using
 * pglite-socket's multiplexer, because that one schedules message by message: two clients' extended-protocol
 * messages (Parse/Bind/Execute/Sync) can interleave and clobber each other's unnamed statement. Here a client
 * owns the session from its first message until the backend reports ReadyForQuery with status Idle ('I'), so
 * no statement of another client can ever run inside a transaction (or a message batch) in progress.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

/** @typedef {{ socket: net.Socket, buf: Buffer, started: boolean, pending: Buffer[], closed: boolean, lastActivity: number }} Client */

/**
 * @param {PGlite} db
 * @param {{ path: string, idleInTransactionMs: number }} opts
 */
export function createSessionServer(db, opts) {
  /** @type {Client | null} */
  let owner = null;
  /** @type {Client[]} clients waiting for the session, first come first served */
  const waiting = [];
  let running = false;

  const server = net.createServer((socket) => {
    /** @type {Client} */
    const client = {
      socket,
      buf: Buffer.alloc(0),
      started: false,
      pending: [],
      closed: false,
      lastActivity: Date.now(),
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      client.lastActivity = Date.now();
      client.buf = client.buf.length ? Buffer.concat([client.buf, chunk]) : chunk;
      split(client);
      schedule();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      client.closed = true;
      client.pending = [];
      const i = waiting.indexOf(client);
      if (i >= 0) waiting.splice(i, 1);
      schedule();
    });
  });

  /** Cuts complete protocol messages off the client's buffer. */
  function split(/** @type {Client} */ c) {
    for (;;) {
      if (!c.started) {
        if (c.buf.length < 8) return;
        const len = c.buf.readInt32BE(0);
        const code = c.buf.readInt32BE(4);
        if (c.buf.length < len) return;
        const msg = c.buf.subarray(0, len);
        c.buf = c.buf.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          c.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          c.socket.destroy();
          return;
        }
        c.started = true;
        enqueue(c, msg);
        continue;
      }
      if (c.buf.length < 5) return;
      const len = c.buf.readInt32BE(1) + 1;
      if (c.buf.length < len) return;
      const msg = c.buf.subarray(0, len);
      c.buf = c.buf.subarray(len);
      if (msg[0] === 0x58 /* X: Terminate */) {
        c.socket.end();
        return;
      }
      enqueue(c, msg);
    }
  }

  function enqueue(/** @type {Client} */ c, /** @type {Buffer} */ msg) {
    c.pending.push(Buffer.from(msg));
    if (c !== owner && !waiting.includes(c)) waiting.push(c);
  }

  /** Runs the owner's messages; hands the session to the next client once the owner is idle. */
  async function schedule() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        if (owner?.closed) {
          const gone = owner;
          owner = null;
          await release(gone);
        }
        if (!owner) {
          const next = waiting.shift();
          if (!next) return;
          owner = next;
        }
        const c = owner;
        if (c.pending.length === 0) return; // the owner is mid-transaction and has sent nothing yet
        // Send everything up to and including the first Sync, simple Query or startup message in one call.
        let n = 0;
        let boundary = false;
        while (n < c.pending.length && !boundary) {
          const t = c.pending[n]?.[0];
          boundary = t === 0x53 || t === 0x51 || t === 0x00;
          n++;
        }
        const batch = c.pending.splice(0, n);
        let out;
        try {
          out = await db.execProtocolRaw(batch.length === 1 ? batch[0] : Buffer.concat(batch));
          // Idle is the time since the last answer: a statement that ran for minutes (an import's publication)
          // was work, and its client must get the chance to commit.
          c.lastActivity = Date.now();
        } catch {
          // A failure of the embedded engine on this client's input: drop the client, keep serving others.
          c.socket.destroy();
          c.closed = true;
          continue;
        }
        if (!c.closed && out.length) c.socket.write(out);
        if (boundary && readyStatus(out) === 'I') {
          owner = null;
          if (c.pending.length) waiting.push(c);
        }
      }
    } finally {
      running = false;
    }
  }

  /** Puts the session back in a clean state after its owner went away mid-batch or mid-transaction. */
  async function release(/** @type {Client} */ c) {
    c.pending = [];
    await db.execProtocolRaw(SYNC);
    if (db.isInTransaction()) await db.exec('ROLLBACK');
  }

  // A client that sits in an open transaction while others wait would stall everyone: cut it off.
  const reaper = setInterval(() => {
    if (owner && waiting.length && Date.now() - owner.lastActivity > opts.idleInTransactionMs) {
      owner.socket.destroy();
    }
  }, 1000);
  reaper.unref();

  return {
    /** @returns {Promise<void>} */
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.path, () => resolve());
      }),
    /** @returns {Promise<void>} */
    close: () =>
      new Promise((resolve) => {
        clearInterval(reaper);
        server.close(() => resolve());
        for (const c of [...waiting, ...(owner ? [owner] : [])]) c.socket.destroy();
      }),
  };
}

/** The transaction status byte of the last ReadyForQuery ('Z') message in a response, if it ends with one. */
function readyStatus(/** @type {Uint8Array} */ out) {
  const n = out.length;
  if (
    n >= 6 &&
    out[n - 6] === 0x5a &&
    out[n - 5] === 0 &&
    out[n - 4] === 0 &&
    out[n - 3] === 0 &&
    out[n - 2] === 5
  ) {
    return String.fromCharCode(/** @type {number} */ (out[n - 1]));
  }
  return null;
}

async function main() {
  /** @type {{ pgdata?: string, snapshot?: Uint8Array, socketPath: string, idleInTransactionMs?: number, settings?: string[] }} */
  const opts = workerData;
  if (opts.pgdata) mkdirSync(opts.pgdata, { recursive: true });
  const startParams = [...PGlite.defaultStartParams, ...(opts.settings ?? []).flatMap((s) => ['-c', s])];
  const db = opts.pgdata
    ? await PGlite.create({ dataDir: opts.pgdata, startParams })
    : await PGlite.create(
        opts.snapshot ? { loadDataDir: new Blob([opts.snapshot]), startParams } : { startParams },
      );
  const server = createSessionServer(db, {
    path: opts.socketPath,
    idleInTransactionMs: opts.idleInTransactionMs ?? 60_000,
  });
  await server.listen();
  parentPort?.on('message', async (/** @type {{ type: string }} */ msg) => {
    if (msg.type === 'dump') {
      const blob = await db.dumpDataDir('none');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      parentPort?.postMessage({ type: 'dump', bytes }, [bytes.buffer]);
    } else if (msg.type === 'memory') {
      // What this thread holds: PGlite's WebAssembly memory (it grows and never shrinks) and the thread's own heap.
      const heap = v8.getHeapStatistics();
      parentPort?.postMessage({
        type: 'memory',
        wasmBytes: db.Module.wasmMemory?.buffer.byteLength ?? db.Module.HEAPU8.byteLength,
        heapUsedBytes: heap.used_heap_size,
        heapTotalBytes: heap.total_heap_size,
      });
    } else if (msg.type === 'stop') {
      await server.close();
      await db.close();
      parentPort?.postMessage({ type: 'stopped' });
    }
  });
  parentPort?.postMessage({ type: 'ready' });
}

if (parentPort && workerData?.socketPath) {
  main().catch((err) => {
    parentPort?.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  });
}
