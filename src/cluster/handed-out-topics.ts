import type { ArrivedRows } from '../namesrv/route/pending-topics.js';
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
 * Names staled come from the registry, which has hashed them already: a probe of the set costs
 * ~0.1 µs a name when it holds a thousand, ~0.3 µs when it holds 300,000 (a counting filter in
 * front of it, hashing each name in JavaScript, cost more in both cases, and was removed).
 */
export class HandedOutTopics {
  private topics = new Set<string>();
  /** The names among `topics` given out as having no route. */
  private noRoute = new Set<string>();
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
    if (this.topics.add(topic).size > before && this.topics.size > this.limit) this.forget(false);
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
    if (this.topics.size > 0) {
      for (let i = 0; i < stale.topics.length; i++) {
        const topic = stale.topics[i]!;
        if (!this.topics.delete(topic)) continue;
        if (this.noRoute.size > 0) this.noRoute.delete(topic);
        held.push(topic);
      }
    }
    if (held.length === 0 && !stale.everyAnswer) return null;
    return { topics: held, everyAnswer: stale.everyAnswer };
  }

  /**
   * The topics given out as having no route that rows of a registration being applied now route:
   * forgotten, as an announcement forgets what it names, for the caller to announce. Probes the
   * rows with those names, or the names with the rows', whichever are fewer. Untracked, workers may
   * hold that word for any topic: none is named, and they learn of the topics at the apply.
   */
  takeRouted(rows: ArrivedRows): string[] {
    if (this.noRoute.size === 0) return [];
    const routed: string[] = [];
    const take = (topic: string) => {
      this.noRoute.delete(topic);
      this.topics.delete(topic);
      routed.push(topic);
    };
    if (this.noRoute.size <= rows.size) {
      for (const topic of this.noRoute) if (rows.routes(topic)) take(topic);
    } else {
      for (const topic of rows.names()) if (this.noRoute.has(topic) && rows.routes(topic)) take(topic);
    }
    return routed;
  }

  private forget(tracking: boolean): void {
    this.tracking = tracking;
    this.topics = new Set();
    this.noRoute = new Set();
  }
}
