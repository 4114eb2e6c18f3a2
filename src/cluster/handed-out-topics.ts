import type { StaleCopies } from './route-change-feed.js';

/**
 * Topics past which tracking stops (announcements then name every changed topic again, as if
 * untracked): twice the largest registry measured (300,000 topics, each given out as a shape),
 * so that lookups of random names cannot grow the record without bound.
 */
export const HANDED_OUT_LIMIT = 600_000;
/**
 * Of those, names given out as having no route, past which tracking stops too: they are what a
 * client chooses (lookups of random names), and workers keep no more than ~65,000 of them anyway.
 */
export const NO_ROUTE_LIMIT = 65_536;

/** Slots of the counting filter in front of the set (2 bytes each). */
const FILTER_SLOTS = 1 << 20;
const SATURATED = 0xffff;

/**
 * The topics serving processes may hold something for: a copy of an answer (a route, or the word
 * that the topic has none) or a route shape, each given out by the primary and noted here when it
 * is. An announcement need name only these: a worker drops nothing for a topic it never had, and a
 * burst of new topics no one has looked up yet (a broker registering 20,000 of them) then costs the
 * workers nothing and its answer no wait for their acknowledgement.
 *
 * A topic named in an announcement is forgotten: the workers drop what they had, and anything given
 * out after that (built at the new announcement or later) is noted again when it is. Over either limit
 * the record is dropped and every change announced, until an announcement of every topic empties
 * the workers again.
 *
 * A set of a few hundred thousand names costs ~0.5 µs a probe here, mostly cache misses: a burst of
 * 20,000 new topics would cost 10 ms of probes for names it does not hold. A counting filter (a
 * small hash of the name, one counter per slot) answers most of those from 2 MB; only names whose
 * slot is taken are looked up in the set.
 */
export class HandedOutTopics {
  private topics = new Set<string>();
  /** The names among `topics` given out as having no route. */
  private noRoute = new Set<string>();
  private filter: Uint16Array | null = null;
  private tracking = true;

  constructor(
    private readonly limit = HANDED_OUT_LIMIT,
    private readonly noRouteLimit = NO_ROUTE_LIMIT,
  ) {}

  /** Topics recorded (0 while untracked). */
  get size(): number {
    return this.topics.size;
  }

  get isTracking(): boolean {
    return this.tracking;
  }

  /** Something for `topic` was given to a serving process. */
  note(topic: string): void {
    if (!this.tracking) return;
    const before = this.topics.size;
    if (this.topics.add(topic).size === before) return;
    const filter = (this.filter ??= new Uint16Array(FILTER_SLOTS));
    const slot = slotOf(topic);
    // A saturated slot stays taken: its names are always looked up.
    if (filter[slot]! < SATURATED) filter[slot]!++;
    if (this.topics.size > this.limit) this.forget(false);
  }

  /** The word that `topic` has no route was given to a serving process. */
  noteNoRoute(topic: string): void {
    this.note(topic);
    if (!this.tracking) return;
    this.noRoute.add(topic);
    if (this.noRoute.size > this.noRouteLimit) this.forget(false);
  }

  noteAll(topics: readonly string[]): void {
    for (let i = 0; i < topics.length && this.tracking; i++) this.note(topics[i]!);
  }

  /**
   * What of `stale` must be announced: the topics some worker may hold something for (forgotten
   * now), and every answer when every answer changed; null when nothing.
   */
  narrow(stale: StaleCopies): StaleCopies | null {
    if (stale.topics === null) {
      // Workers drop everything: nothing is held any more.
      this.forget(true);
      return stale;
    }
    if (!this.tracking) return stale;
    const held: string[] = [];
    const filter = this.filter;
    if (filter !== null) {
      for (let i = 0; i < stale.topics.length; i++) {
        const topic = stale.topics[i]!;
        const slot = slotOf(topic);
        if (filter[slot] === 0 || !this.topics.delete(topic)) continue;
        if (filter[slot] !== SATURATED) filter[slot]!--;
        if (this.noRoute.size > 0) this.noRoute.delete(topic);
        held.push(topic);
      }
    }
    if (held.length === 0 && !stale.everyAnswer) return null;
    return { topics: held, everyAnswer: stale.everyAnswer };
  }

  private forget(tracking: boolean): void {
    this.tracking = tracking;
    this.topics = new Set();
    this.noRoute = new Set();
    if (tracking) this.filter?.fill(0);
    else this.filter = null;
  }
}

/** FNV-1a over the name's UTF-16 units, folded into the filter's slots. */
function slotOf(topic: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i++) hash = Math.imul(hash ^ topic.charCodeAt(i), 0x01000193);
  return (hash ^ (hash >>> 20)) & (FILTER_SLOTS - 1);
}
