import fs from 'node:fs';
import { removeStaleTempFiles, writeFileAtomic } from '../../util/atomic-file.js';
import type { Logger } from '../../util/logger.js';
import { KvFileFormatError, parseKvTable, serializeKvTable, type KvTable } from './kv-file.js';

export interface KvStoreOptions {
  /** kvConfig.json; its folder is created at the first write. */
  path: string;
  logger: Logger;
  /** Told how long each save of the file took, and whether it succeeded. */
  onPersist?(durationMs: number, ok: boolean): void;
}

/** The file exists but neither it nor its `.bak` can be read as a KV table. */
export class KvStoreLoadError extends Error {
  override readonly name = 'KvStoreLoadError';
}

/** One change waiting to be written, and who waits for it. */
interface PendingChange {
  apply(table: KvTable): void;
  done(error: Error | null): void;
}

/**
 * The KV config table (Java's KVConfigManager): namespace → key → value, saved to kvConfig.json.
 * A change is seen by readers at once, as in Java, and resolves once it is on disk (atomically: a
 * kill at any moment keeps every acknowledged change). Writes run off the event loop, one at a
 * time in arrival order; changes that arrive meanwhile are written together by the next one. A
 * write that fails rejects its changes and takes them back out of the table.
 */
export class KvStore {
  /** What readers see: the durable table and the changes still being written. */
  private table: KvTable = new Map();
  /** What is on disk. */
  private durable: KvTable = new Map();
  private changes = 0;
  /** The change number at which each namespace last changed; every one at `wholeTableChangedAt`. */
  private readonly namespaceChanges = new Map<string, number>();
  private wholeTableChangedAt = 0;
  private pending: PendingChange[] = [];
  private writing: Promise<void> | null = null;
  /** After falling back to `.bak`, the next save must not overwrite that good copy with the bad file. */
  private keepBackupOnNextSave = true;

  constructor(private readonly options: KvStoreOptions) {}

  /** Bumped on every change, so caches of anything derived from the table can tell they are stale. */
  get version(): number {
    return this.changes;
  }

  /**
   * Moves whenever `namespace`'s entries may have changed, and only then: a cache of something
   * derived from one namespace (routes from the order-topic config) is not dropped by writes to others.
   */
  namespaceVersion(namespace: string): number {
    return Math.max(this.namespaceChanges.get(namespace) ?? 0, this.wholeTableChangedAt);
  }

  get path(): string {
    return this.options.path;
  }

  /**
   * Reads the file: missing means empty; unreadable or corrupt falls back to `<path>.bak` (with a warning);
   * if that fails too, throws KvStoreLoadError rather than start with an empty table and overwrite it.
   */
  load(): void {
    const { path, logger } = this.options;
    const stale = removeStaleTempFiles(path);
    if (stale.length > 0) logger.warn({ files: stale }, 'removed temporary files a crashed KV write left behind');
    const primary = readTable(path);
    if (primary.table) {
      this.replaceTable(primary.table);
      logger.info({ path, namespaces: primary.table.size }, 'load KV config table OK');
      return;
    }
    if (primary.problem === undefined) {
      this.replaceTable(new Map());
      return;
    }
    const backupPath = `${path}.bak`;
    const backup = readTable(backupPath);
    if (backup.table) {
      logger.warn({ path, backupPath, problem: primary.problem }, 'KV config file is unreadable; loaded its backup instead');
      this.replaceTable(backup.table);
      this.keepBackupOnNextSave = false;
      return;
    }
    if (primary.problem === EMPTY_FILE && backup.problem === undefined) {
      // What Java's non-atomic write leaves after a crash; Java starts empty from it too.
      logger.warn({ path }, 'KV config file is empty; starting with an empty table');
      this.replaceTable(new Map());
      return;
    }
    const backupNote = backup.problem === undefined ? 'no backup exists' : `backup ${backupPath}: ${backup.problem}`;
    throw new KvStoreLoadError(`cannot load KV config ${path}: ${primary.problem}; ${backupNote}`);
  }

  put(namespace: string, key: string, value: string): Promise<void> {
    const current = this.table.get(namespace);
    this.options.logger.info(
      { namespace, key, value },
      current === undefined ? 'putKVConfig create new Namespace' : current.has(key) ? 'putKVConfig update config item' : 'putKVConfig create new config item',
    );
    return this.change(namespace, (table) => void table.set(namespace, new Map(table.get(namespace)).set(key, value)));
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  /** Removes a key; its namespace stays, possibly empty, as in Java. A missing key changes nothing. */
  delete(namespace: string, key: string): Promise<void> {
    const current = this.table.get(namespace);
    if (!current?.has(key)) return this.idle(); // answered once what came before is on disk
    this.options.logger.info({ namespace, key, value: current.get(key) }, 'deleteKVConfig delete a config item');
    return this.change(namespace, (table) => {
      const entries = table.get(namespace);
      if (!entries?.has(key)) return;
      const updated = new Map(entries);
      updated.delete(key);
      table.set(namespace, updated);
    });
  }

  /** Resolves once every change made so far has been written (or has failed). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  namespace(namespace: string): ReadonlyMap<string, string> | undefined {
    return this.table.get(namespace);
  }

  namespaces(): string[] {
    return [...this.table.keys()];
  }

  /** Logs every entry, as Java's printAllPeriodically. */
  printAll(): void {
    const { logger } = this.options;
    logger.info('--------------------------------------------------------');
    logger.info(`configTable SIZE: ${this.table.size}`);
    for (const [namespace, entries] of this.table) {
      for (const [key, value] of entries) logger.info(`configTable NS: ${namespace} Key: ${key} Value: ${value}`);
    }
  }

  /** The file content for the current table. */
  serialize(): string {
    return serializeKvTable(this.table);
  }

  private change(namespace: string, apply: (table: KvTable) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const table = new Map(this.table);
      apply(table);
      this.table = table;
      this.namespaceChanges.set(namespace, ++this.changes);
      this.pending.push({ apply, done: (error) => (error ? reject(error) : resolve()) });
      this.writing ??= this.writeAll();
    });
  }

  /** Writes batches of pending changes until none are left. */
  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const next: KvTable = new Map(this.durable);
      for (const change of batch) change.apply(next);
      const started = performance.now();
      try {
        await writeFileAtomic(this.options.path, serializeKvTable(next), { keepBackup: this.keepBackupOnNextSave });
        this.options.onPersist?.(performance.now() - started, true);
      } catch (error) {
        this.options.onPersist?.(performance.now() - started, false);
        this.options.logger.error({ err: error, path: this.options.path }, 'cannot save KV config; the change is taken back');
        const table: KvTable = new Map(this.durable);
        for (const change of this.pending) change.apply(table);
        this.table = table;
        this.wholeTableChangedAt = ++this.changes;
        for (const change of batch) change.done(error as Error);
        continue;
      }
      this.keepBackupOnNextSave = true;
      this.durable = next;
      for (const change of batch) change.done(null);
    }
    this.writing = null;
  }

  private replaceTable(table: KvTable): void {
    this.table = table;
    this.durable = table;
    this.wholeTableChangedAt = ++this.changes;
  }
}

const EMPTY_FILE = 'the file is empty';

interface ReadResult {
  table?: KvTable;
  /** Why the file could not be used; undefined when it does not exist. */
  problem?: string;
}

function readTable(path: string): ReadResult {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    return { problem: `cannot read it (${code ?? (error as Error).message})` };
  }
  if (text.trim() === '') return { problem: EMPTY_FILE };
  try {
    return { table: parseKvTable(text) };
  } catch (error) {
    if (error instanceof KvFileFormatError) return { problem: error.message };
    throw error;
  }
}
