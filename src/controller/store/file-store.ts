import fs from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange } from './controller-store.js';

export interface FileStoreOptions {
  /** The JSON file holding every record. */
  readonly file: string;
  /** `host:port` this controller serves on: the leader address it reports. */
  readonly selfAddress: string;
}

const FORMAT_VERSION = 1;

/** The file cannot be read as a controller state: start-up refuses it rather than start empty. */
export class FileStoreCorruptError extends Error {
  override readonly name = 'FileStoreCorruptError';
}

/**
 * The store of a single controller: every record in one JSON file, replaced atomically (temp file,
 * fsync, rename, folder fsync) at each commit, which resolves only once the new file is durable.
 * With one node there is no election: it leads (term 1) from start until close.
 */
export class FileControllerStore implements ControllerStore {
  private started = false;
  private closed = false;
  private records = new Map<string, string>();
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(leadership: Leadership) => void>();

  constructor(private readonly options: FileStoreOptions) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.records = await this.readFile();
    this.started = true;
    this.emit();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.catch(() => undefined);
    this.emit();
  }

  leadership(): Leadership {
    if (this.closed) return { role: 'unavailable', reason: 'the controller store is closed' };
    if (!this.started) return { role: 'follower', leaderAddress: null };
    return { role: 'leader', term: 1, leaderAddress: this.options.selfAddress };
  }

  onLeadershipChange(listener: (leadership: Leadership) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readAll(): Promise<Map<string, string>> {
    return this.readFile();
  }

  commit(changes: ReadonlyArray<RecordChange>): Promise<void> {
    const write = this.writes.then(async () => {
      if (!this.started || this.closed) throw new NotLeaderError(null);
      const next = new Map(this.records);
      for (const { key, value } of changes) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
      const sorted = Object.fromEntries([...next].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      try {
        await writeFileAtomic(this.options.file, JSON.stringify({ version: FORMAT_VERSION, records: sorted }, null, 1) + '\n');
      } catch (error) {
        throw new StoreUnavailableError(`cannot write ${this.options.file}: ${(error as Error).message}`, { cause: error });
      }
      this.records = next;
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private emit(): void {
    const leadership = this.leadership();
    for (const listener of this.listeners) listener(leadership);
  }

  private async readFile(): Promise<Map<string, string>> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new StoreUnavailableError(`cannot read ${this.options.file}: ${(error as Error).message}`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new FileStoreCorruptError(`controller state file ${this.options.file} is not JSON: ${(error as Error).message}`);
    }
    const records = (parsed as { records?: unknown } | null)?.records;
    if (typeof records !== 'object' || records === null || Array.isArray(records) || Object.values(records).some((v) => typeof v !== 'string')) {
      throw new FileStoreCorruptError(`controller state file ${this.options.file} has no "records" object of strings`);
    }
    return new Map(Object.entries(records as Record<string, string>));
  }
}
