import type { RouteGenerationsView } from '../namesrv/route/route-generations.js';

/**
 * Which copies of route answers the registry's changes since the last call made stale, read
 * from its generation numbers: a change to a broker group routes show (or the journal not reaching back far
 * enough, or a switch route answers depend on) stales every answer, a topic change that topic's.
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

  /** Undefined when nothing changed; null when every answer is stale; else the topics whose answers are. */
  next(): string[] | null | undefined {
    const { current, routedBrokers: brokers } = this.generations;
    const switches = this.switchesNow();
    if (current === this.generation && switches === this.switches) return undefined;
    const topics = brokers !== this.brokers || switches !== this.switches ? null : this.generations.topicsChangedSince(this.generation);
    this.generation = current;
    this.brokers = brokers;
    this.switches = switches;
    return topics;
  }
}
