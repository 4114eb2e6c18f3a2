import type { RouteAnswerKey } from './messages.js';

/** Bytes a Map entry and its key string cost beyond the characters (approximate, on the safe side). */
const ENTRY_OVERHEAD_BYTES = 64;

/** What an entry keyed by `key` costs besides its value: keys count too, since a client chooses some (a zone name). */
function keyCost(key: string): number {
  return 2 * key.length + ENTRY_OVERHEAD_BYTES;
}

/**
 * A serving process's copies of the primary's encoded route answers, per variant (JSON flavour,
 * zone) and topic, within a byte budget that counts the keys as well as the answers: a client
 * names the zone, so a variant's key can be as large as the frame it came in. Past the budget
 * every copy goes and the copies start afresh; a variant left with no copy is dropped.
 */
export class AnswerCopies {
  private readonly byVariant = new Map<string, Map<string, Buffer>>();
  private held = 0;

  constructor(private readonly budgetBytes: number) {}

  /** Bytes the copies are charged for, keys included. */
  get bytes(): number {
    return this.held;
  }

  get({ topic, variant }: RouteAnswerKey): Buffer | undefined {
    return this.byVariant.get(variant)?.get(topic);
  }

  keep({ topic, variant }: RouteAnswerKey, body: Buffer): void {
    let answers = this.byVariant.get(variant);
    const cost = body.length + keyCost(topic) + (answers ? 0 : keyCost(variant));
    const previous = answers?.get(topic);
    const freed = previous ? previous.length + keyCost(topic) : 0;
    if (this.held - freed + cost > this.budgetBytes) {
      this.clear();
      answers = undefined;
      if (body.length + keyCost(topic) + keyCost(variant) > this.budgetBytes) return;
      return this.keep({ topic, variant }, body);
    }
    if (!answers) this.byVariant.set(variant, (answers = new Map()));
    answers.set(topic, body);
    this.held += cost - freed;
  }

  /** Drops the copies of `topics` in every variant. */
  drop(topics: readonly string[]): void {
    for (const [variant, answers] of this.byVariant) {
      for (const topic of topics) {
        const body = answers.get(topic);
        if (!body) continue;
        answers.delete(topic);
        this.held -= body.length + keyCost(topic);
      }
      if (answers.size === 0) {
        this.byVariant.delete(variant);
        this.held -= keyCost(variant);
      }
    }
  }

  clear(): void {
    this.byVariant.clear();
    this.held = 0;
  }
}
