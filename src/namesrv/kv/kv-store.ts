import fs from 'node:fs';
import { writeFileAtomicSync } from '../../util/atomic-file.js';
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

/**
 * The KV config table (Java's KVConfigManager): namespace → key → value, saved to kvConfig.json
 * after every change. A change that cannot be saved throws and leaves the table as it was.
 */
export class KvStore {
  private table: KvTable = new Map();
  private changes = 0;
  /** After falling back to `.bak`, the next save must not overwrite that good copy with the bad file. */
  private keepBackupOnNextSave = true;

  constructor(private readonly options: KvStoreOptions) {}

  /** Bumped on every change, so caches of anything derived from the table can tell they are stale. */
  get version(): number {
    return this.changes;
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

  put(namespace: string, key: string, value: string): void {
    const current = this.table.get(namespace);
    const updated = new Map(current);
    updated.set(key, value);
    this.commit(namespace, updated);
    this.options.logger.info(
      { namespace, key, value },
      current === undefined ? 'putKVConfig create new Namespace' : current.has(key) ? 'putKVConfig update config item' : 'putKVConfig create new config item',
    );
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  /** Removes a key; its namespace stays, possibly empty, as in Java. A missing key changes nothing. */
  delete(namespace: string, key: string): void {
    const current = this.table.get(namespace);
    if (!current?.has(key)) return;
    const value = current.get(key);
    const updated = new Map(current);
    updated.delete(key);
    this.commit(namespace, updated);
    this.options.logger.info({ namespace, key, value }, 'deleteKVConfig delete a config item');
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

  private commit(namespace: string, entries: Map<string, string>): void {
    const next: KvTable = new Map(this.table);
    next.set(namespace, entries);
    const started = performance.now();
    try {
      writeFileAtomicSync(this.options.path, serializeKvTable(next), { keepBackup: this.keepBackupOnNextSave });
    } catch (error) {
      this.options.onPersist?.(performance.now() - started, false);
      throw error;
    }
    this.options.onPersist?.(performance.now() - started, true);
    this.keepBackupOnNextSave = true;
    this.table = next;
    this.changes++;
  }

  private replaceTable(table: KvTable): void {
    this.table = table;
    this.changes++;
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
