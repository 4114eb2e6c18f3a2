import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';

export interface FileChangeWatcherOptions {
  files: readonly string[];
  /** Called with the files whose content changed; never twice at once. */
  onChange: (changed: string[]) => void | Promise<void>;
  logger: Logger;
  /** Quiet time after the last file-system event before contents are compared. */
  debounceMs?: number;
  /** Upper bound on how long a stream of events can postpone the comparison. */
  maxDelayMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 250;
const DEFAULT_MAX_DELAY_MS = 2000;

/**
 * Watches a few files for content changes with one service: the operating system reports events on
 * their directories (which also catches atomic renames and Kubernetes secret updates), and after a
 * quiet period the files' hashes are compared with the last ones seen. Like Java's `FileWatchService`,
 * a deleted or unreadable file is not a change: its previous content is assumed until it comes back.
 */
export class FileChangeWatcher {
  private readonly hashes = new Map<string, string>();
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly debounceMs: number;
  private readonly maxDelayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private firstPendingEventAt = 0;
  private running: Promise<void> | null = null;
  private rerun = false;
  private closed = false;

  private constructor(private readonly options: FileChangeWatcherOptions) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.maxDelayMs = Math.max(options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, this.debounceMs);
  }

  /** Records the files' current contents and starts watching. */
  static async start(options: FileChangeWatcherOptions): Promise<FileChangeWatcher> {
    const watcher = new FileChangeWatcher(options);
    for (const file of options.files) {
      const hash = await hashFile(file);
      if (hash !== null) watcher.hashes.set(file, hash);
    }
    for (const dir of directoriesToWatch(options.files)) watcher.watchDirectory(dir);
    return watcher;
  }

  /** Stops watching; resolves once a comparison in progress has finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
    await this.running;
  }

  private watchDirectory(dir: string): void {
    try {
      const watcher = fs.watch(dir, () => this.onEvent());
      watcher.on('error', (err) => {
        this.options.logger.warn({ dir, err: err.message }, 'stopped watching a directory; changes there are not reloaded');
        watcher.close();
      });
      this.watchers.push(watcher);
    } catch (err) {
      this.options.logger.warn({ dir, err: (err as Error).message }, 'cannot watch a directory; changes there are not reloaded');
    }
  }

  private onEvent(): void {
    if (this.closed) return;
    const now = Date.now();
    if (this.timer) {
      if (now - this.firstPendingEventAt + this.debounceMs > this.maxDelayMs) return;
      clearTimeout(this.timer);
    } else {
      this.firstPendingEventAt = now;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.compare();
    }, this.debounceMs);
  }

  private compare(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.compareOnce()
      .catch((err: unknown) => this.options.logger.error({ err }, 'file change handling failed'))
      .finally(() => {
        this.running = null;
        if (this.rerun && !this.closed) {
          this.rerun = false;
          this.compare();
        }
      });
  }

  private async compareOnce(): Promise<void> {
    const changed: string[] = [];
    for (const file of this.options.files) {
      const hash = await hashFile(file);
      if (hash === null || hash === this.hashes.get(file)) continue;
      this.hashes.set(file, hash);
      changed.push(file);
    }
    if (changed.length > 0 && !this.closed) await this.options.onChange(changed);
  }
}

async function hashFile(file: string): Promise<string | null> {
  try {
    const bytes = await fs.promises.readFile(file);
    return crypto.createHash('sha256').update(bytes).digest('hex');
  } catch {
    return null;
  }
}

/** The directory of each file, and of its target when it is a symbolic link. */
function directoriesToWatch(files: readonly string[]): Set<string> {
  const dirs = new Set<string>();
  for (const file of files) {
    dirs.add(path.dirname(path.resolve(file)));
    try {
      dirs.add(path.dirname(fs.realpathSync(file)));
    } catch {
      // not there yet: its directory is watched already
    }
  }
  return dirs;
}
