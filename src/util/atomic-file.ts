import fs from 'node:fs';
import path from 'node:path';
import { isProcessRunning } from './process-running.js';

export interface AtomicWriteOptions {
  /** Keep the file's previous content as `<file>.bak`, as Java's `MixAll.string2File` does. */
  keepBackup?: boolean;
  /** Mode of a file that does not exist yet (an existing file keeps its own); 0o644 by default. */
  newFileMode?: number;
  /**
   * Fail when the folder cannot be made durable after the rename (`syncFolderStrictAsync`) instead
   * of carrying on: for a caller that deletes something once the new file is known to be on disk.
   */
  strictFolderSync?: boolean;
}

const DEFAULT_NEW_FILE_MODE = 0o644;
/** Linux's own bound on symlinks followed while resolving one path. */
const MAX_SYMLINK_HOPS = 40;

let tempCounter = 0;

/** Name of the temporary file a write goes through; leftovers from a crash match `isAtomicTempFile`. */
function tempPathFor(file: string): string {
  tempCounter = (tempCounter + 1) % 1_000_000;
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${tempCounter}.tmp`);
}

export function isAtomicTempFile(name: string, file: string): boolean {
  const base = path.basename(file);
  return name.startsWith(`.${base}.`) && name.endsWith('.tmp');
}

/** Who a written file belongs to and who may read it: the replaced file's, so a rewrite never widens access. */
interface Ownership {
  mode: number;
  /** Null for a new file: it belongs to whoever writes it. */
  owner: { uid: number; gid: number } | null;
}

/**
 * What one write does, decided from the file's metadata before any byte is written. A symlink is
 * written through (its target is replaced, the link stays), so later edits of the link's target
 * are still what the server reads.
 */
interface WritePlan {
  target: string;
  temp: string;
  ownership: Ownership;
  /** Where the previous content goes, with the same ownership as the file it copies. */
  backup: string | null;
}

function planWrite(file: string, options: AtomicWriteOptions): WritePlan {
  const target = resolveSymlinks(file);
  const existing = statOrNull(target);
  if (existing && !existing.isFile()) throw new Error(`${target} is not a regular file`);
  const ownership: Ownership = existing
    ? { mode: existing.mode & 0o7777, owner: { uid: existing.uid, gid: existing.gid } }
    : { mode: options.newFileMode ?? DEFAULT_NEW_FILE_MODE, owner: null };
  return { target, temp: tempPathFor(target), ownership, backup: options.keepBackup && existing ? `${target}.bak` : null };
}

/** Follows `file` through symlinks (also dangling ones: a link to a file not written yet). */
function resolveSymlinks(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < MAX_SYMLINK_HOPS; hops++) {
    let link: string;
    try {
      if (!fs.lstatSync(current).isSymbolicLink()) return current;
      link = fs.readlinkSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw error;
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Only a privileged process can give a file away; anyone else keeps its own files as they are. */
function mayChown(owner: Ownership['owner']): owner is { uid: number; gid: number } {
  return owner !== null && process.getuid?.() === 0;
}

/**
 * Replaces `file` with `data` so that a crash at any point leaves either the old or the new content:
 * the data goes to a temporary file in the same folder, is flushed to disk, then renamed over `file`.
 * Missing folders are created. The file keeps its mode and owner; a symlink is written through.
 * On failure the temporary file is removed and `file` is untouched.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const plan = planWrite(file, options);
  const dir = path.dirname(plan.target);
  fs.mkdirSync(dir, { recursive: true });
  try {
    writeAndSync(plan.temp, data, plan.ownership);
    if (plan.backup) writeAndSyncReplacing(plan.backup, fs.readFileSync(plan.target), plan.ownership);
    fs.renameSync(plan.temp, plan.target);
  } catch (error) {
    fs.rmSync(plan.temp, { force: true });
    throw error;
  }
  syncFolder(dir);
}

/**
 * `writeFileAtomicSync` with the writes and fsyncs on libuv's thread pool, so the event loop keeps
 * serving while the disk answers. Resolves once the new content (and the rename) is durable.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const plan = planWrite(file, options);
  const dir = path.dirname(plan.target);
  await fs.promises.mkdir(dir, { recursive: true });
  try {
    await writeAndSyncAsync(plan.temp, data, plan.ownership);
    if (plan.backup) await writeAndSyncReplacingAsync(plan.backup, await fs.promises.readFile(plan.target), plan.ownership);
    await fs.promises.rename(plan.temp, plan.target);
  } catch (error) {
    await fs.promises.rm(plan.temp, { force: true });
    throw error;
  }
  await (options.strictFolderSync ? syncFolderStrictAsync(dir) : syncFolderAsync(dir));
}

/**
 * Removes temporary files a crashed writer of `file` left behind: those of processes no longer
 * running, and this process's own (it has not written yet; in a container a restarted server
 * often gets the same pid). Call once at start, before the first write. Returns what was removed.
 */
export function removeStaleTempFiles(file: string): string[] {
  const target = resolveSymlinks(file);
  const dir = path.dirname(target);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!isAtomicTempFile(name, target)) continue;
    const pid = Number(name.slice(path.basename(target).length + 2).split('.')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && isProcessRunning(pid)) continue;
    const stale = path.join(dir, name);
    fs.rmSync(stale, { force: true });
    removed.push(stale);
  }
  return removed;
}

/** The backup is rewritten in place of any older one, atomically and with the original's ownership. */
function writeAndSyncReplacing(file: string, data: Uint8Array, ownership: Ownership): void {
  const temp = tempPathFor(file);
  try {
    writeAndSync(temp, data, ownership);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

async function writeAndSyncReplacingAsync(file: string, data: Uint8Array, ownership: Ownership): Promise<void> {
  const temp = tempPathFor(file);
  try {
    await writeAndSyncAsync(temp, data, ownership);
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

// The temporary file is given its final owner and mode before any byte is written, so the content
// is never visible more widely than the file it replaces (the umask cannot widen it either).
function writeAndSync(file: string, data: string | Uint8Array, { mode, owner }: Ownership): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    if (mayChown(owner)) fs.fchownSync(fd, owner.uid, owner.gid);
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function writeAndSyncAsync(file: string, data: string | Uint8Array, { mode, owner }: Ownership): Promise<void> {
  const handle = await fs.promises.open(file, 'w', 0o600);
  try {
    if (mayChown(owner)) await handle.chown(owner.uid, owner.gid);
    await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename itself durable. Not every platform can open a folder; there it is skipped. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function syncFolderAsync(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort, as syncFolder
  } finally {
    await handle?.close();
  }
}

/** Errors that say the platform or file system cannot open or flush a folder, rather than that a flush failed. */
function folderSyncUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EINVAL' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EISDIR') return true;
  return code === 'EPERM' && process.platform === 'win32';
}

/**
 * `syncFolderAsync` for a caller that must know the folder is durable (before it deletes what the
 * new file replaces): every error is thrown except those saying folders cannot be synced here.
 */
export async function syncFolderStrictAsync(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!folderSyncUnsupported(error)) {
      await handle?.close().catch(() => undefined);
      throw error;
    }
  }
  await handle?.close();
}
