import type { RouteAnswerKey } from './messages.js';

/** Bytes a Map entry and its key string cost beyond the characters (approximate, on the safe side). */
const ENTRY_OVERHEAD_BYTES = 64;

/** What an entry keyed by `key` costs besides its value: keys count too, since a client chooses some (a zone name). */
export function keyCost(key: string): number {
  return 2 * key.length + ENTRY_OVERHEAD_BYTES;
}

/** One distinct answer body and how many copies (topic, variant) are it. */
interface SharedBody {
  /** The body as a latin1 string: the key it is found by when an equal body comes. */
  content: string;
  uses: number;
}

/**
 * A serving process's copies of the primary's encoded route answers, per variant (JSON flavour,
 * zone) and topic, within a byte budget that counts the keys as well as the answers: a client
 * names the zone, so a variant's key can be as large as the frame it came in. Past the budget
 * every copy goes and the copies start afresh; a variant left with no copy is dropped.
 *
 * Equal bodies are kept once: a route body names no topic, and topics on the same brokers with
 * the same queue counts (most of a large registry's) get the same bytes, so 300,000 topics' copies
 * cost their keys and a few hundred bodies instead of 300,000 bodies.
 */
export class AnswerCopies {
  private readonly byVariant = new Map<string, Map<string, Buffer>>();
  /** Distinct bodies: by content, and each kept Buffer's entry. */
  private readonly byContent = new Map<string, Buffer>();
  private readonly bodies = new Map<Buffer, SharedBody>();
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
    const content = body.toString('latin1');
    const kept = this.byContent.get(content);
    // A new body costs its bytes twice (the Buffer and its content key).
    const cost = (kept ? 0 : 3 * body.length) + keyCost(topic) + (answers ? 0 : keyCost(variant));
    const previous = answers?.get(topic);
    if (previous === kept && kept !== undefined) return;
    const freed = previous ? keyCost(topic) + (this.bodies.get(previous)!.uses === 1 ? 3 * previous.length : 0) : 0;
    if (this.held - freed + cost > this.budgetBytes) {
      this.clear();
      if (3 * body.length + keyCost(topic) + keyCost(variant) > this.budgetBytes) return;
      return this.keep({ topic, variant }, body);
    }
    if (previous) this.release(previous, topic);
    if (!answers) {
      this.byVariant.set(variant, (answers = new Map()));
      this.held += keyCost(variant);
    }
    const shared = kept ?? body;
    if (kept) this.bodies.get(kept)!.uses++;
    else {
      this.byContent.set(content, body);
      this.bodies.set(body, { content, uses: 1 });
      this.held += 3 * body.length;
    }
    answers.set(topic, shared);
    this.held += keyCost(topic);
  }

  /** Drops the copies of `topics` in every variant. */
  drop(topics: readonly string[]): void {
    for (const [variant, answers] of this.byVariant) {
      for (const topic of topics) {
        const body = answers.get(topic);
        if (!body) continue;
        answers.delete(topic);
        this.release(body, topic);
      }
      if (answers.size === 0) {
        this.byVariant.delete(variant);
        this.held -= keyCost(variant);
      }
    }
  }

  clear(): void {
    this.byVariant.clear();
    this.byContent.clear();
    this.bodies.clear();
    this.held = 0;
  }

  /** A copy of `body` under `topic` is gone: its key's charge, and the body's once no copy is it. */
  private release(body: Buffer, topic: string): void {
    this.held -= keyCost(topic);
    const shared = this.bodies.get(body)!;
    if (--shared.uses > 0) return;
    this.bodies.delete(body);
    this.byContent.delete(shared.content);
    this.held -= 3 * body.length;
  }
}
