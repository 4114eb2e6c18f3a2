/**
 * How many topic changes are remembered; a reader further behind starts afresh from the registry.
 * Enough for a broker's whole topic table (a 20,000-topic registration, or a slice of a larger one),
 * so that serving processes drop only the answers it changed (a name and a number each: 0.5 MB).
 */
export const JOURNAL_SIZE = 32_768;

/** Something whose route has a generation of its own: one topic's queues (TopicQueues). */
export interface TopicGeneration {
  /** The registry generation of the topic's last change; bumped once more when the topic is removed. */
  readonly generation: number;
  /**
   * A slot for a keeper of answers (ResponseCache): what it derived from the topic, as of the
   * topic's generation `derivedAt`. Kept on the topic rather than in a map of the keeper's, so that
   * a registry of 300,000 topics pays two fields a topic for it, not a map entry and an object.
   */
  derived: unknown;
  derivedAt: number;
}

/** What readers of the registry see of its generations. */
export type RouteGenerationsView = Pick<RouteGenerations, 'current' | 'brokers' | 'routedBrokers' | 'topicSet' | 'topicsChangedSince'>;

/**
 * The one way the registry tells whoever keeps something derived from it (encoded answers,
 * sorted topic names, a cluster's topics) that it is stale: generation numbers, moved only by the
 * registry's change method, read and compared by the keeper when it is asked. Nobody is called
 * back; a keeper holding an answer built at generation g serves it while the numbers it depends
 * on still say g.
 *
 * - `current` moves with every change of any kind;
 * - `brokers` with every change to clusters, broker groups, addresses, their attributes or filter
 *   servers (the cluster info may differ);
 * - `routedBrokers` with those of them a route answer can show: a broker group some topic's queues
 *   name, or filter servers. A broker group no topic names yet (a broker registering for the first
 *   time, before its topics are applied) or no longer names (one unregistered with all its topics)
 *   changes no route: every topic that names it changes on its own;
 * - `topicSet` when a topic appears or disappears (the topic lists);
 * - each topic's own generation (TopicGeneration) when its queues or static mappings change.
 *
 * Topic changes are also journalled, so that a keeper a few changes behind can catch up topic
 * by topic (`topicsChangedSince`) instead of starting afresh.
 */
export class RouteGenerations {
  private currentGeneration = 0;
  private brokersGeneration = 0;
  private routedBrokersGeneration = 0;
  private topicSetGeneration = 0;
  private readonly journalTopics = new Array<string>(JOURNAL_SIZE);
  private readonly journalGenerations = new Float64Array(JOURNAL_SIZE);
  private journalLength = 0;
  /** Changes up to this generation have left the journal. */
  private forgottenUpTo = 0;

  get current(): number {
    return this.currentGeneration;
  }

  get brokers(): number {
    return this.brokersGeneration;
  }

  get routedBrokers(): number {
    return this.routedBrokersGeneration;
  }

  get topicSet(): number {
    return this.topicSetGeneration;
  }

  /**
   * The topics changed since `generation` (each once or more), or null when the journal no
   * longer reaches that far back, or they are more than `atMost`: read everything afresh.
   */
  topicsChangedSince(generation: number, atMost = JOURNAL_SIZE): string[] | null {
    if (generation < this.forgottenUpTo) return null;
    // Newest first back to the first change after `generation`: as long as what changed since.
    const count = Math.min(this.journalLength, JOURNAL_SIZE);
    let since = 0;
    while (since < count && this.journalGenerations[(this.journalLength - since - 1) % JOURNAL_SIZE]! > generation) {
      if (++since > atMost) return null;
    }
    const out = new Array<string>(since);
    for (let i = 0; i < since; i++) out[i] = this.journalTopics[(this.journalLength - since + i) % JOURNAL_SIZE]!;
    return out;
  }

  /** For the registry's change method only; `routed` when a route answer may differ. Returns the new generation. */
  brokersChanged(routed: boolean): number {
    this.brokersGeneration = ++this.currentGeneration;
    if (routed) this.routedBrokersGeneration = this.currentGeneration;
    return this.currentGeneration;
  }

  /** For the registry's change method only. Returns the new generation. */
  topicChanged(topic: string, setChanged: boolean): number {
    const generation = ++this.currentGeneration;
    if (setChanged) this.topicSetGeneration = generation;
    const at = this.journalLength % JOURNAL_SIZE;
    if (this.journalLength >= JOURNAL_SIZE) this.forgottenUpTo = this.journalGenerations[at]!;
    this.journalTopics[at] = topic;
    this.journalGenerations[at] = generation;
    this.journalLength++;
    return generation;
  }
}
