import type { RouteGenerationsView } from '../namesrv/route/route-generations.js';

/** What the registry's changes since the last look made stale in serving processes' copies. */
export interface StaleCopies {
  /** The topics that changed (their copies and route shapes are stale); null: any topic may have. */
  topics: string[] | null;
  /**
   * Every copy of an answer is stale, of every topic: a broker group routes show changed, or a
   * switch answers depend on. Topics not in `topics` keep their route shape then.
   */
  everyAnswer: boolean;
}

/**
 * Which copies of route answers the registry's changes since the last call made stale, read
 * from its generation numbers: a change to a broker group routes show stales every answer (but
 * not the shapes of the topics that did not change), a switch route answers depend on stales
 * everything, and a topic change that topic's answer and shape (every topic's when the journal
 * does not reach back far enough).
 */
export class RouteChangeFeed {
  private generation: number;
  private brokers: number;
  private switches: string;

  constructor(
    private readonly generations: RouteGenerationsView,
    /** What route answers depend on outside the registry (config switches), as one comparable value. */
    private readonly switchesNow: () => string,
  ) {
    this.generation = generations.current;
    this.brokers = generations.routedBrokers;
    this.switches = switchesNow();
  }

  /** Undefined when nothing changed. */
  next(): StaleCopies | undefined {
    const { current, routedBrokers: brokers } = this.generations;
    const switches = this.switchesNow();
    if (current === this.generation && switches === this.switches) return undefined;
    const switched = switches !== this.switches;
    const topics = switched ? null : this.generations.topicsChangedSince(this.generation);
    const stale = { topics, everyAnswer: switched || brokers !== this.brokers || topics === null };
    this.generation = current;
    this.brokers = brokers;
    this.switches = switches;
    return stale;
  }
}
