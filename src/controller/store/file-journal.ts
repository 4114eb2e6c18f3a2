import fs from 'node:fs';
import path from 'node:path';
import { syncFolderStrictAsync } from '../../util/atomic-file.js';
import type { RecordChange } from './controller-store.js';

/** The file cannot be read as a controller state: start-up refuses it rather than start empty. */
export class FileStoreCorruptError extends Error {
  override readonly name = 'FileStoreCorruptError';
}

const NEWLINE = 0x0a;

/**
 * The file store's append-only journal: one line per write, a JSON array of `[key, value]` pairs
 * (value null: deleted), applied in order on top of the snapshot. A line is acknowledged only once
 * it is on disk whole (appended, then fdatasync), so a line that did not make it whole (no newline
 * after it, or the last line unreadable: zeros where a crash cut the write short) was never
 * acknowledged; `open` cuts it off before anything is appended after it. Any other unreadable line
 * is corruption.
 */
export class Journal {
  private handle: fs.promises.FileHandle | null = null;
  private length = 0;

  constructor(readonly file: string) {}

  /** Bytes of complete entries in the file. */
  get bytes(): number {
    return this.length;
  }

  /** Reads the entries without changing the file (for a reader other than the writer). */
  async read(): Promise<RecordChange[][]> {
    return (await this.scan()).entries;
  }

  /**
   * Reads the entries, cuts a torn tail off (durably), and opens the file for appends,
   * creating it (and making its name durable) if there is none.
   */
  async open(): Promise<RecordChange[][]> {
    await this.close();
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const { entries, validLength, fileLength } = await this.scan();
    const created = fileLength === null;
    const handle = await fs.promises.open(this.file, 'a', 0o644);
    try {
      if (fileLength !== null && validLength < fileLength) {
        await handle.truncate(validLength);
        await handle.sync();
      }
      if (created) await syncFolderStrictAsync(path.dirname(this.file));
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.handle = handle;
    this.length = validLength;
    return entries;
  }

  /** Appends one entry; resolves once it is durable. */
  async append(changes: ReadonlyArray<RecordChange>): Promise<void> {
    if (!this.handle) throw new Error(`journal ${this.file} is not open`);
    const line = Buffer.from(`${JSON.stringify(changes.map(({ key, value }) => [key, value]))}\n`, 'utf8');
    await writeAll(this.handle, line);
    await this.handle.datasync();
    this.length += line.length;
  }

  /** Empties the journal, durably: called once a snapshot holds everything in it. */
  async clear(): Promise<void> {
    if (!this.handle) throw new Error(`journal ${this.file} is not open`);
    await this.handle.truncate(0);
    await this.handle.sync();
    this.length = 0;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async scan(): Promise<{ entries: RecordChange[][]; validLength: number; fileLength: number | null }> {
    let data: Buffer;
    try {
      data = await fs.promises.readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], validLength: 0, fileLength: null };
      throw error;
    }
    const entries: RecordChange[][] = [];
    let start = 0;
    let validLength = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      const entry = parseEntry(data.subarray(start, end));
      const last = data.indexOf(NEWLINE, end + 1) === -1;
      if (entry === null) {
        if (last) break; // a write cut short by a crash: never acknowledged
        throw new FileStoreCorruptError(`controller journal ${this.file}: entry at byte ${start} is not a list of [key, value] pairs`);
      }
      entries.push(entry);
      start = end + 1;
      validLength = start;
    }
    return { entries, validLength, fileLength: data.length };
  }
}

/** Writes every byte of `data` (a write may take fewer bytes than asked: the rest goes again). */
async function writeAll(handle: fs.promises.FileHandle, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw new Error(`journal write took no bytes (${data.length - offset} left)`);
    offset += bytesWritten;
  }
}

function parseEntry(line: Buffer): RecordChange[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const changes: RecordChange[] = [];
  for (const pair of parsed) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || (pair[1] !== null && typeof pair[1] !== 'string')) return null;
    changes.push({ key: pair[0], value: pair[1] });
  }
  return changes;
}
