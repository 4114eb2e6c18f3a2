import { close, mkdtempSync, open, readFileSync, readdirSync, rmSync, unlinkSync, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';
import { isProcessRunning } from '../util/process-running.js';

/**
 * A directory of the primary's own where serving processes leave the large register bodies it
 * fetches, instead of sending their megabytes through the IPC channel. The channel's pipe takes a
 * few hundred KB each time the sender's event loop comes round to it, so under lookup load a
 * 3.4 MB body took 30-100 ms to cross; written to a file (the page cache, in practice) and read
 * back, it takes a few ms, none of them waiting on the serving process's loop. The serving process
 * writes it on libuv's thread pool in one call (see dropBody); the primary, whose loop serves no
 * lookups, reads it at once (~2 ms for 3.4 MB). Where no directory can be made (a read-only file
 * system), bodies go through the channel as before.
 */
export class BodyDrop {
  private constructor(readonly directory: string) {}

  /**
   * A new private directory (mode 0700) under the system's temporary directory, named with this
   * process's id; null when none can be made. Those a killed primary left behind (its id no longer
   * a running process) are removed first.
   */
  static create(logger: Logger): BodyDrop | null {
    const parent = tmpdir();
    removeLeftBehind(parent, logger);
    try {
      return new BodyDrop(mkdtempSync(join(parent, `${PREFIX}${process.pid}-`)));
    } catch (err) {
      logger.warn({ err }, 'no directory for register bodies from serving processes; they come through the IPC channel');
      return null;
    }
  }

  /** The body a serving process left as `name`, its file removed once read; throws when it cannot be read. */
  take(name: string): Buffer {
    const path = this.pathOf(name);
    try {
      return readFileSync(path);
    } finally {
      removeFile(path);
    }
  }

  /** Removes a body nobody waits for any more; never throws (it runs on paths that answer requests). */
  discard(name: string): void {
    if (BODY_NAME.test(name)) removeFile(join(this.directory, name));
  }

  /** Removes the directory and whatever is left in it; never throws (one left behind goes at the next start). */
  remove(): void {
    try {
      rmSync(this.directory, { recursive: true, force: true });
    } catch {
      // Not ours to insist on while stopping.
    }
  }

  /** Only names a serving process gives (see dropBody): nothing outside the directory is ever read. */
  private pathOf(name: string): string {
    if (!BODY_NAME.test(name)) throw new Error(`not a register body's name: ${JSON.stringify(name.slice(0, 40))}`);
    return join(this.directory, name);
  }
}

const BODY_NAME = /^\d{1,10}-\d{1,15}$/;
const PREFIX = 'rocketmq-namesrv-bodies-';

function removeLeftBehind(parent: string, logger: Logger): void {
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || isProcessRunning(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      logger.info({ directory: join(parent, name) }, 'removed the register-body directory of a name server that is gone');
    } catch {
      // Another user's, or already gone: not ours to insist on.
    }
  }
}

/**
 * A serving process leaves `body` in the primary's directory; `done` gets the name to send instead
 * of the bytes, or null when it could not be written (the bytes go through the channel then). The
 * file is written on libuv's thread pool, in one call for the whole body: written at once on the
 * event loop, a 3.4 MB body held the serving process's lookups up for 1 ms, and 8-19 ms now and
 * then on a busy machine (the file system's own waits).
 */
export function dropBody(directory: string, pid: number, seq: number, body: Uint8Array, done: (name: string | null) => void): void {
  const name = `${pid}-${seq}`;
  const path = join(directory, name);
  open(path, 'w', 0o600, (openErr, fd) => {
    if (openErr) return done(null);
    writeAll(fd, body, 0, (writeErr) =>
      close(fd, (closeErr) => {
        if (!writeErr && !closeErr) return done(name);
        removeFile(path);
        done(null);
      }),
    );
  });
}

function writeAll(fd: number, bytes: Uint8Array, from: number, done: (err: Error | null) => void): void {
  write(fd, bytes, from, bytes.length - from, null, (err, written) => {
    if (err) return done(err);
    if (written === 0) return done(new Error('the body file took no bytes'));
    if (from + written >= bytes.length) return done(null);
    // A regular file takes the whole buffer at once; this is for a write the system cut short.
    writeAll(fd, bytes, from + written, done);
  });
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already: the directory is removed at stop in any case.
  }
}
