import { LARGE_LISTS, NEVER_PAUSE, pauseEvery, runInSlices, runToEnd, type Pause, type PauseCheck } from '../../util/slices.js';
import type { RouteGenerations } from './route-generations.js';

/** Past this many topics changed one by one, a full reconcile (one pass and a merge) is cheaper. */
const MAX_SINGLE_UPDATES = 256;

/** What SortedTopics reads of the registry. */
export interface TopicNameSource {
  readonly generations: Pick<RouteGenerations, 'current' | 'topicSet' | 'topicsChangedSince'>;
  /** The topic names as a live pass: a name added while it is read is read too, one removed is skipped. */
  topicNames(): Iterable<string>;
  readonly topicCount: number;
  /** Whether a topic has a route now. */
  hasTopic(topic: string): boolean;
}

/**
 * The registry's topic names, sorted, kept between reads: sorting 30,000 names takes 15-20 ms, too
 * long to do per HTTP request.
 *
 * Safe because: the names held are exactly the registry's at generation `seen`, and the registry
 * moves `topicSet` whenever a topic appears or disappears. At a read, an unchanged `topicSet` means
 * the names are still exact; otherwise the topics changed since `seen` (the registry's journal)
 * are applied by binary search, or, when there are many or the journal no longer reaches back,
 * one pass over the registry's names sorts only the new ones and merges them in.
 */
export class SortedTopics {
  private sorted: string[] = [];
  private readonly members = new Set<string>();
  /** Registry generation the names are exact for; -1: never read. */
  private seen = -1;
  private seenTopicSet = -1;
  /** A pass over every name under way in slices, and the names it gives. */
  private refresh: { steps: Generator<Pause, void>; names: Promise<readonly string[]> } | null = null;

  /** `slicedFrom`: from this many topics, `namesInSlices` makes a pass over every name in slices. */
  constructor(
    private readonly source: TopicNameSource,
    private readonly slicedFrom: number = LARGE_LISTS.fromNames,
  ) {}

  /** The names, sorted by UTF-16 code units (as Java's String.compareTo), at once. Do not modify. */
  names(): readonly string[] {
    if (this.refresh) runToEnd(this.refresh.steps);
    runToEnd(this.update(NEVER_PAUSE));
    return this.sorted;
  }

  /**
   * The same, but a pass over every name of a large registry (the first read, or after more
   * changes than are applied one by one) is made in slices: then a promise of the names, as the
   * registry was when the pass began (a later read catches up). Reads meanwhile share it.
   */
  namesInSlices(): readonly string[] | Promise<readonly string[]> {
    if (this.refresh) return this.refresh.names;
    const touched = this.changedTopics();
    if (this.source.topicCount < this.slicedFrom || touched !== null) {
      runToEnd(this.update(NEVER_PAUSE, touched));
      return this.sorted;
    }
    const steps = this.update(pauseEvery(LARGE_LISTS.sliceMs), null);
    const names = runInSlices(steps).then(() => this.sorted);
    const refresh = { steps, names };
    const settled = () => {
      if (this.refresh === refresh) this.refresh = null;
    };
    names.then(settled, settled);
    this.refresh = refresh;
    return names;
  }

  /** The topics changed since the last read, when they can be applied one by one; null when a pass over every name is needed. */
  private changedTopics(): readonly string[] | null {
    const { generations } = this.source;
    if (generations.topicSet === this.seenTopicSet) return [];
    return this.seen < 0 ? null : generations.topicsChangedSince(this.seen, MAX_SINGLE_UPDATES);
  }

  /**
   * Brings the names up to the registry as of now, yielding where `pause` says during a pass over
   * every name. `touched`: changedTopics() as of now, when the caller has it (the journal is walked once).
   */
  private *update(pause: PauseCheck, touched = this.changedTopics()): Generator<Pause, void> {
    const { current, topicSet } = this.source.generations;
    if (topicSet !== this.seenTopicSet) {
      if (touched === null) yield* this.reconcile(pause);
      else this.applyTouched(touched);
      this.seenTopicSet = topicSet;
    }
    this.seen = current;
  }

  private applyTouched(touched: readonly string[]): void {
    for (const topic of touched) {
      const present = this.source.hasTopic(topic);
      if (present === this.members.has(topic)) continue;
      const at = lowerBound(this.sorted, topic);
      if (present) {
        this.sorted.splice(at, 0, topic);
        this.members.add(topic);
      } else {
        this.sorted.splice(at, 1);
        this.members.delete(topic);
      }
    }
  }

  /**
   * One pass over the registry's names: the new ones are sorted and merged in, the gone ones
   * dropped. In slices, names changed meanwhile may be seen either way; the next read applies the
   * registry's changes since the pass began, which puts them right.
   */
  private *reconcile(pause: PauseCheck): Generator<Pause, void> {
    const now = new Set<string>();
    const added: string[] = [];
    for (const topic of this.source.topicNames()) {
      now.add(topic);
      if (!this.members.has(topic)) added.push(topic);
      if (pause()) yield;
    }
    let kept = this.sorted;
    if (this.members.size + added.length > now.size) {
      kept = [];
      // Indexed loops: a for-of over an array across a yield makes an iterator result per name.
      const sorted = this.sorted;
      for (let i = 0; i < sorted.length; i++) {
        const topic = sorted[i]!;
        if (now.has(topic)) kept.push(topic);
        else this.members.delete(topic);
        if (pause()) yield;
      }
    }
    const sortedAdded = yield* sortInSlices(added, pause);
    for (let i = 0; i < sortedAdded.length; i++) {
      this.members.add(sortedAdded[i]!);
      if (pause()) yield;
    }
    this.sorted = sortedAdded.length === 0 ? kept : yield* mergeInSlices(kept, sortedAdded, pause);
  }
}

/** Names sorted in runs of this many (one `sort` call each), then merged. */
const SORT_RUN = 4096;

function* sortInSlices(names: string[], pause: PauseCheck): Generator<Pause, string[]> {
  if (names.length <= SORT_RUN) return names.sort(compare);
  let runs: string[][] = [];
  for (let i = 0; i < names.length; i += SORT_RUN) {
    runs.push(names.slice(i, i + SORT_RUN).sort(compare));
    if (pause(SORT_RUN)) yield;
  }
  while (runs.length > 1) {
    const next: string[][] = [];
    for (let i = 0; i < runs.length; i += 2) next.push(i + 1 < runs.length ? yield* mergeInSlices(runs[i]!, runs[i + 1]!, pause) : runs[i]!);
    runs = next;
  }
  return runs[0]!;
}

function* mergeInSlices(a: readonly string[], b: readonly string[], pause: PauseCheck): Generator<Pause, string[]> {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (pause()) yield;
  }
  return out;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index whose name is not below `name`. */
export function lowerBound(sorted: readonly string[], name: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

