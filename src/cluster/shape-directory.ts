import { performance } from 'node:perf_hooks';
import { pauseEvery } from '../util/slices.js';

/** Where the directory reads topics and their route shapes: the primary's registry and response cache. */
export interface ShapeSource {
  /** Every topic, live (RouteRegistry.topicNames). */
  topicNames(): IterableIterator<string>;
  /** ResponseCache.shapeIdOf. */
  shapeIdOf(topic: string): number | null;
  /** Whether answers may be named by their shape now: no KV in route answers, and workers may keep routes. */
  shareable(): boolean;
}

/** Topics and the ids of their route shapes, index by index. */
export interface ShapeBatch {
  topics: string[];
  shapes: Int32Array;
}

/** How long one slice of the directory's work may run before the event loop serves what waits. */
const SLICE_MS = 2;
/** Shapes are looked at once the registry has not changed for this long... */
const QUIET_MS = 100;
/** ...or once topics have waited this long: a registry that keeps changing still gets its shapes out. */
const MAX_WAIT_MS = 10_000;
/** How long the directory waits to look again while answers may not be named by shape. */
const RETRY_MS = 1_000;
/** Names staled and waiting (repeats counted) past which the next pass looks at every topic instead. */
const MAX_WAITING_NAMES = 1_000_000;

/**
 * Tells serving processes which route shape each topic has (ResponseCache.shapeIdOf), so that a
 * process answers a topic it never asked the primary about from the answer of another topic of
 * that shape. Without it each process forwards every topic's first lookup: over 300,000 topics
 * asked at random that is most lookups for minutes after start, and again after every change that
 * stales every answer.
 *
 * Topics a change touched are looked at again (`stale`), every topic when any may have changed (a
 * switch, a journal that no longer reaches back) or a process started. They are looked at once changes settle (QUIET_MS), so that
 * brokers registering one after another (each topic changed by each of its brokers) cost one look
 * per topic, not one per change. The work runs in slices between other work; each slice's shapes go
 * out as one batch (`publish`), valid as of the announcement current when it is sent: the registry
 * does not change during a slice.
 */
export class ShapeDirectory {
  /**
   * The lists of topics staled since the last pass began (kept as given: a change of 20,000 topics
   * costs nothing until the pass, which skips repeats), or all of them.
   */
  private waiting: Array<readonly string[]> = [];
  private waitingNames = 0;
  private waitingAll = false;
  private lastChangeAt = 0;
  private firstWaitingAt: number | null = null;
  /** The pass under way: the topics staled before it began, or every topic. */
  private pass: Iterator<string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly source: ShapeSource,
    private readonly publish: (batch: ShapeBatch) => void,
  ) {}

  /** `topics` changed (null: any topic may have): their shapes are looked at again. */
  stale(topics: readonly string[] | null): void {
    if (this.stopped) return;
    if (topics === null || this.waitingNames + topics.length > MAX_WAITING_NAMES) {
      this.waiting = [];
      this.waitingNames = 0;
      this.waitingAll = true;
    } else if (!this.waitingAll && topics.length > 0) {
      this.waiting.push(topics);
      this.waitingNames += topics.length;
    }
    const now = performance.now();
    this.lastChangeAt = now;
    this.firstWaitingAt ??= now;
    this.arm(QUIET_MS);
  }

  /** Resolves once every topic staled so far has had its shape published. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.waiting = [];
    this.waitingNames = 0;
    this.waitingAll = false;
    this.pass = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.settleIdle();
  }

  private get busy(): boolean {
    return this.waitingNames > 0 || this.waitingAll || this.inPass;
  }

  private get inPass(): boolean {
    return this.pass !== null;
  }

  private arm(ms: number): void {
    if (this.timer || this.inPass || this.stopped) return;
    // Not unref'd: whoever waits on `idle` is waiting for it (stop clears it).
    this.timer = setTimeout(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    this.timer = null;
    if (this.stopped) return;
    if (!this.source.shareable()) return this.arm(RETRY_MS);
    const now = performance.now();
    const quietFor = now - this.lastChangeAt;
    if (quietFor < QUIET_MS && now - (this.firstWaitingAt ?? now) < MAX_WAIT_MS) return this.arm(QUIET_MS - quietFor);
    // What waits now is this pass's; what is staled meanwhile waits for the next one.
    this.pass = this.waitingAll ? this.source.topicNames() : eachOnce(this.waiting);
    this.waiting = [];
    this.waitingNames = 0;
    this.waitingAll = false;
    this.firstWaitingAt = null;
    this.runSlice();
  }

  private runSlice(): void {
    if (this.stopped) return;
    const topics: string[] = [];
    const shapes: number[] = [];
    const pause = pauseEvery(SLICE_MS, 256);
    for (let topic = this.nextTopic(); topic !== undefined; topic = pause() ? undefined : this.nextTopic()) {
      const shape = this.source.shapeIdOf(topic);
      if (shape === null) continue;
      topics.push(topic);
      shapes.push(shape);
    }
    if (topics.length > 0) this.publish({ topics, shapes: Int32Array.from(shapes) });
    if (this.inPass) {
      setImmediate(() => this.runSlice());
      return;
    }
    if (this.waitingNames > 0 || this.waitingAll) this.arm(QUIET_MS);
    else this.settleIdle();
  }

  /** The pass's next topic; the pass ends (undefined) once none is left. */
  private nextTopic(): string | undefined {
    const next = this.pass?.next();
    if (next && !next.done) return next.value;
    this.pass = null;
    return undefined;
  }

  private settleIdle(): void {
    if (this.busy && !this.stopped) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** The names of `lists`, each once, in the order first named. */
function* eachOnce(lists: ReadonlyArray<readonly string[]>): Generator<string> {
  const seen = new Set<string>();
  for (let l = 0; l < lists.length; l++) {
    const names = lists[l]!;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const before = seen.size;
      if (seen.add(name).size > before) yield name;
    }
  }
}
