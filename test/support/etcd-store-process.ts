/**
 * Drives etcd controller stores in tests: `leadershipOf` follows a store's leadership changes in
 * this process; `startStoreProcess` runs one in a child process (workers/etcd-store-child.ts) that
 * can be killed or paused.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import type { ControllerStore, Leadership, RecordChange } from '../../src/controller/store/controller-store.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers', 'etcd-store-child.js');

/** Waits for leadership views as they are announced. */
export class LeadershipLog {
  current: Leadership;
  readonly history: Leadership[] = [];
  private waiters: { check: (leadership: Leadership) => boolean; resolve: (leadership: Leadership) => void }[] = [];

  constructor(initial: Leadership) {
    this.current = initial;
  }

  record(leadership: Leadership): void {
    this.current = leadership;
    this.history.push(leadership);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check(leadership)) return true;
      waiter.resolve(leadership);
      return false;
    });
  }

  /** Resolves with the current view if it matches, else with the first announced one that does. */
  until(check: (leadership: Leadership) => boolean): Promise<Leadership> {
    if (check(this.current)) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** Resolves with the next announced view that matches, ignoring the current one. */
  next(check: (leadership: Leadership) => boolean): Promise<Leadership> {
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }
}

export const isLeader = (leadership: Leadership) => leadership.role === 'leader';

export function leadershipOf(store: ControllerStore): LeadershipLog {
  const log = new LeadershipLog(store.leadership());
  store.onLeadershipChange((leadership) => log.record(leadership));
  return log;
}

export interface StoreProcess {
  readonly child: ChildProcess;
  readonly leadership: LeadershipLog;
  /** Resolves once the child has exited (whatever killed it). */
  readonly exited: Promise<void>;
  commit(changes: RecordChange[]): Promise<void>;
  readAll(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** A failure the child reported: `name` is the store's error class (NotLeaderError...). */
export class ChildStoreError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startStoreProcess(options: Record<string, unknown>): Promise<StoreProcess> {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // A command written as the child dies fails with EPIPE; its caller learns of it from the exit.
  child.stdin!.on('error', () => undefined);
  const pending = new Map<number, { resolve: (answer: Record<string, unknown>) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let leadership: LeadershipLog | null = null;
  const started = new Promise<LeadershipLog>((resolve, reject) => {
    void exited.then(() => reject(new Error('the store process exited before it started')));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        process.stderr.write(`etcd store process: ${line}\n`);
        return;
      }
      if (message.event === 'started') {
        leadership ??= new LeadershipLog(message.leadership as Leadership);
        resolve(leadership);
      } else if (message.event === 'leadership') {
        leadership ??= new LeadershipLog(message.leadership as Leadership);
        leadership.record(message.leadership as Leadership);
      } else if (typeof message.id === 'number') {
        pending.get(message.id)?.resolve(message);
        pending.delete(message.id);
      }
    });
  });
  void exited.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error('the store process exited'));
    pending.clear();
  });
  const send = (command: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
    }).then((answer) => {
      if (answer.ok !== true) throw new ChildStoreError(String(answer.error), String(answer.message));
      return answer;
    });
  const log = await started;
  return {
    child,
    leadership: log,
    exited,
    commit: async (changes) => {
      await send({ op: 'commit', changes });
    },
    readAll: async () => new Map(Object.entries((await send({ op: 'readAll' })).records as Record<string, string>)),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await send({ op: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}
