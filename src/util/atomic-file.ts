import fs from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Keep the file's previous content as `<file>.bak`, as Java's `MixAll.string2File` does. */
  keepBackup?: boolean;
}

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

/**
 * Replaces `file` with `data` so that a crash at any point leaves either the old or the new content:
 * the data goes to a temporary file in the same folder, is flushed to disk, then renamed over `file`.
 * Missing folders are created. On failure the temporary file is removed and `file` is untouched.
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = tempPathFor(file);
  try {
    writeAndSync(temp, data);
    if (options.keepBackup) backUp(file);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dir);
}

/**
 * `writeFileAtomicSync` with the writes and fsyncs on libuv's thread pool, so the event loop keeps
 * serving while the disk answers. Resolves once the new content (and the rename) is durable.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true });
  const temp = tempPathFor(file);
  try {
    await writeAndSyncAsync(temp, data);
    if (options.keepBackup) await backUpAsync(file);
    await fs.promises.rename(temp, file);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  await syncFolderAsync(dir);
}

async function writeAndSyncAsync(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.promises.open(file, 'w', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function backUpAsync(file: string): Promise<void> {
  let previous: Buffer;
  try {
    previous = await fs.promises.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await writeFileAtomic(`${file}.bak`, previous);
}

async function syncFolderAsync(dir: string): Promise<void> {
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

function writeAndSync(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w', 0o644);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function backUp(file: string): void {
  let previous: Buffer;
  try {
    previous = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  writeFileAtomicSync(`${file}.bak`, previous);
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
