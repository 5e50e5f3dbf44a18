// One of the processes racing for a data-directory lock (test/db/embedded-lock.test.ts): for each round it
// waits for the start file, tries to take the lock, writes what happened, and holds a lock it took until the
// round is over.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { acquireLock } from '../../src/db/lock.ts';

const [dir, who, roundsText] = process.argv.slice(2) as [string, string, string];
const spin = (file: string) => {
  while (!existsSync(file)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0.05);
};
writeFileSync(path.join(dir, `ready-${who}`), '');
for (let r = 0; r < Number(roundsText); r++) {
  spin(path.join(dir, `go-${r}`));
  const lock = acquireLock(path.join(dir, 'data'), 'test', '/nonexistent');
  writeFileSync(path.join(dir, `result-${r}-${who}`), lock.acquired ? 'held' : 'refused');
  if (lock.acquired) {
    spin(path.join(dir, `done-${r}`));
    lock.release();
  }
}
