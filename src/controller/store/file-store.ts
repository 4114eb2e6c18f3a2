import fs from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange } from './controller-store.js';

export interface FileStoreOptions {
  /** The JSON file holding every record. */
  readonly file: string;
  /** `host:port` this controller serves on: the leader address it reports. */
  readonly selfAddress: string;
  /** Replaces the file durably; `writeFileAtomic` unless a test needs to watch or hold the writes. */
  readonly writeFile?: (file: string, data: string) => Promise<void>;
}

const FORMAT_VERSION = 1;

/** The file's content: records sorted by key, one a line, so that it reads (and diffs) well. */
function formatState(records: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: FORMAT_VERSION, records: sorted }, null, 1) + '\n';
}

/** The file cannot be read as a controller state: start-up refuses it rather than start empty. */
export class FileStoreCorruptError extends Error {
  override readonly name = 'FileStoreCorruptError';
}

interface Waiting {
  readonly changes: ReadonlyArray<RecordChange>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The store of a single controller: every record in one JSON file, replaced atomically (temp file,
 * fsync, rename, folder fsync); a commit resolves only once a file holding it is durable.
 *
 * Group commit: while one file is being written, the commits that arrive wait together and go out
 * in the next file, so a burst of changes (a thousand brokers registering) costs a handful of
 * writes rather than one each. Commits are written in the order they were made. A write that
 * fails fails every commit made after it too (they may rest on it) until `readAll` reads the file
 * again. With one node there is no election: it leads (term 1) from start until close.
 */
export class FileControllerStore implements ControllerStore {
  readonly pipelinesCommits = true;
  private started = false;
  private closed = false;
  /** What the file holds. */
  private records = new Map<string, string>();
  /** Commits for the next write. */
  private waiting: Waiting[] = [];
  /** The writes under way, until none is left to do. */
  private writing: Promise<void> | null = null;
  /** Why the last write failed; later commits are refused until the file is read again. */
  private failure: StoreUnavailableError | null = null;
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
    await this.writing;
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

  /** The file as it is once the writes under way are done; clears an earlier write failure. */
  async readAll(): Promise<Map<string, string>> {
    await this.writing;
    const records = await this.readFile();
    if (this.started && !this.writing) {
      this.records = new Map(records);
      this.failure = null;
    }
    return records;
  }

  commit(changes: ReadonlyArray<RecordChange>): Promise<void> {
    if (!this.started || this.closed) return Promise.reject(new NotLeaderError(null));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ changes, resolve, reject });
      this.writing ??= this.writeWhileWaiting();
    });
  }

  /** Writes until no commit is waiting; `writing` is cleared in the same step as that last look. */
  private async writeWhileWaiting(): Promise<void> {
    try {
      // Lets the caller record this run first, and the commits of the same turn join the first file.
      await Promise.resolve();
      while (this.waiting.length > 0) await this.writeWaiting();
    } finally {
      this.writing = null;
    }
  }

  private async writeWaiting(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    if (this.failure) {
      for (const commit of batch) commit.reject(this.failure);
      return;
    }
    const next = new Map(this.records);
    for (const commit of batch) {
      for (const { key, value } of commit.changes) {
        if (value === null) next.delete(key);
        else next.set(key, value);
      }
    }
    try {
      await (this.options.writeFile ?? writeFileAtomic)(this.options.file, formatState(next));
    } catch (error) {
      this.failure = new StoreUnavailableError(`cannot write ${this.options.file}: ${(error as Error).message}`, { cause: error });
      for (const commit of batch) commit.reject(this.failure);
      return;
    }
    this.records = next;
    for (const commit of batch) commit.resolve();
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
