import fs from 'node:fs';
import { writeFileAtomic } from '../../util/atomic-file.js';
import type { Logger } from '../../util/logger.js';
import { NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange } from './controller-store.js';
import { FileStoreCorruptError, Journal } from './file-journal.js';

export { FileStoreCorruptError } from './file-journal.js';

export interface FileStoreOptions {
  /** The snapshot: a JSON file holding every record. The journal is beside it (`journalFileOf`). */
  readonly file: string;
  /** `host:port` this controller serves on: the leader address it reports. */
  readonly selfAddress: string;
  /** The journal is folded into the snapshot once it is this long and longer than the snapshot; default 1 MiB. */
  readonly compactAfterBytes?: number;
  /** Awaited before each write; a test holds writes, or fails one, with it. */
  readonly beforeWrite?: () => Promise<void>;
  /** Where a failed compaction is reported (the store carries on: the journal still holds everything). */
  readonly logger?: Pick<Logger, 'warn'>;
}

const FORMAT_VERSION = 1;
const DEFAULT_COMPACT_AFTER_BYTES = 1024 * 1024;

/** `controller-state.json` → `controller-state.journal`, in the same folder. */
export function journalFileOf(snapshotFile: string): string {
  return `${snapshotFile.replace(/\.json$/, '')}.journal`;
}

/** The snapshot's content: records sorted by key, one a line, so that it reads (and diffs) well. */
function formatState(records: ReadonlyMap<string, string>): string {
  const sorted = Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ version: FORMAT_VERSION, records: sorted }, null, 1) + '\n';
}

function applyChanges(records: Map<string, string>, changes: ReadonlyArray<RecordChange>): void {
  for (const { key, value } of changes) {
    if (value === null) records.delete(key);
    else records.set(key, value);
  }
}

interface Waiting {
  readonly changes: ReadonlyArray<RecordChange>;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The store of a single controller: a snapshot of every record (one JSON file, replaced
 * atomically) and a journal of the changes since (appended, fdatasync'd); a commit resolves only
 * once its journal entry is durable. The state is the snapshot with the journal applied in order.
 *
 * Group commit: while one entry is being written, the commits that arrive wait together and go
 * out as the next entry, so a burst of changes (a thousand brokers registering) costs a handful of
 * appends rather than one each. Commits are written in the order they were made. A write that
 * fails fails every commit made after it too (they may rest on it) until `readAll` reads the
 * files again.
 *
 * Compaction: once the journal outgrows the snapshot (and `compactAfterBytes`), the state is
 * written as a new snapshot, then the journal emptied. A crash between the two leaves a journal
 * whose entries the snapshot already holds; applying them again changes nothing, since each sets
 * or deletes a whole record.
 *
 * On close the journal is folded into the snapshot too.
 *
 * With one node there is no election: it leads (term 1) from start until close.
 */
export class FileControllerStore implements ControllerStore {
  readonly pipelinesCommits = true;
  private started = false;
  private closed = false;
  private readonly journal: Journal;
  /** What the snapshot and journal hold together. */
  private records = new Map<string, string>();
  /** Journal length at which it is folded into a new snapshot. */
  private compactAt = 0;
  /** Commits for the next entry. */
  private waiting: Waiting[] = [];
  /** The commits of the entry being written, until they are answered. */
  private inFlight: Waiting[] = [];
  /** The writes under way, until none is left to do. */
  private writing: Promise<void> | null = null;
  /** Why the last write failed; later commits are refused until the files are read again. */
  private failure: StoreUnavailableError | null = null;
  private readonly listeners = new Set<(leadership: Leadership) => void>();

  constructor(private readonly options: FileStoreOptions) {
    this.journal = new Journal(journalFileOf(options.file));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.records = await this.recover();
    this.started = true;
    this.emit();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    // A store stopped cleanly leaves everything in the snapshot: what an older build reads.
    if (this.started && !this.failure && this.journal.bytes > 0) await this.compact();
    await this.journal.close();
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

  /**
   * The files as they are once the writes under way are done. A running store also makes them
   * ready for appends again (a torn entry cut off) and clears an earlier write failure; one that is
   * not running only reads.
   */
  async readAll(): Promise<Map<string, string>> {
    await this.writing;
    if (!this.started || this.closed) {
      const { records } = await this.readSnapshot();
      for (const changes of await this.readJournal(() => this.journal.read())) applyChanges(records, changes);
      return records;
    }
    const records = await this.recover();
    this.records = new Map(records);
    this.failure = null;
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

  /** The snapshot with the journal applied; the journal opened for appends, a torn entry cut off. */
  private async recover(): Promise<Map<string, string>> {
    const { records, bytes } = await this.readSnapshot();
    for (const changes of await this.readJournal(() => this.journal.open())) applyChanges(records, changes);
    this.compactAt = this.compactionThreshold(bytes);
    return records;
  }

  private compactionThreshold(snapshotBytes: number): number {
    return Math.max(this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES, snapshotBytes);
  }

  private async readJournal(read: () => Promise<RecordChange[][]>): Promise<RecordChange[][]> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof FileStoreCorruptError) throw error;
      throw new StoreUnavailableError(`cannot read ${this.journal.file}: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Writes until no commit is waiting; `writing` is cleared in the same step as that last look.
   * Never rejects: whatever goes wrong fails every commit not yet answered (the entry under way and
   * those waiting), and the ones after them until the files are read again.
   */
  private async writeWhileWaiting(): Promise<void> {
    try {
      // Lets the caller record this run first, and the commits of the same turn join the first entry.
      await Promise.resolve();
      while (this.waiting.length > 0) await this.writeWaiting();
    } catch (error) {
      this.failure ??= new StoreUnavailableError(`controller store write failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      const unanswered = [...this.inFlight, ...this.waiting];
      this.inFlight = [];
      this.waiting = [];
      for (const commit of unanswered) commit.reject(this.failure); // a commit already resolved stays so
    } finally {
      this.writing = null;
    }
  }

  private async writeWaiting(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight = batch;
    if (this.failure) {
      for (const commit of batch) commit.reject(this.failure);
      return;
    }
    const changes = batch.flatMap((commit) => commit.changes);
    try {
      await this.options.beforeWrite?.();
      await this.journal.append(changes);
    } catch (error) {
      this.failure = new StoreUnavailableError(`cannot write ${this.journal.file}: ${(error as Error).message}`, { cause: error });
      for (const commit of batch) commit.reject(this.failure);
      return;
    }
    applyChanges(this.records, changes);
    for (const commit of batch) commit.resolve();
    this.inFlight = [];
    if (this.journal.bytes >= this.compactAt) await this.compact();
  }

  /**
   * Folds the journal into a new snapshot. The journal is emptied only once the snapshot, and its
   * name in the folder, are known to be on disk. A failure loses nothing (the journal still holds
   * every change); it is logged and tried again once the journal has grown as much again.
   */
  private async compact(): Promise<void> {
    const snapshot = formatState(this.records);
    try {
      await writeFileAtomic(this.options.file, snapshot, { strictFolderSync: true });
      await this.journal.clear();
      this.compactAt = this.compactionThreshold(Buffer.byteLength(snapshot));
    } catch (error) {
      this.compactAt = this.journal.bytes * 2;
      this.options.logger?.warn(
        { err: (error as Error).message, file: this.options.file, journalBytes: this.journal.bytes, retryAtBytes: this.compactAt },
        'controller store: could not fold the journal into a new snapshot; the journal is kept and compaction is tried again later',
      );
    }
  }

  private emit(): void {
    const leadership = this.leadership();
    for (const listener of this.listeners) listener(leadership);
  }

  private async readSnapshot(): Promise<{ records: Map<string, string>; bytes: number }> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: new Map(), bytes: 0 };
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
    return { records: new Map(Object.entries(records as Record<string, string>)), bytes: Buffer.byteLength(text) };
  }
}
