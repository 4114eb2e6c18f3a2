import { keyCost } from './answer-copies.js';

/**
 * A serving process's record of which route shape each topic has (ShapeDirectory, and forwarded
 * answers that name their shape), within a byte budget: past it, topics not recorded are answered
 * as before (from a copy of their own, or forwarded).
 */
export class TopicShapes {
  private readonly byTopic = new Map<string, number>();
  private held = 0;

  constructor(private readonly budgetBytes: number) {}

  get size(): number {
    return this.byTopic.size;
  }

  get bytes(): number {
    return this.held;
  }

  get(topic: string): number | undefined {
    return this.byTopic.get(topic);
  }

  /** Records the topic's shape; false when the budget has no room for it. */
  set(topic: string, shape: number): boolean {
    if (this.byTopic.has(topic)) {
      this.byTopic.set(topic, shape);
      return true;
    }
    const cost = keyCost(topic);
    if (this.held + cost > this.budgetBytes) return false;
    this.byTopic.set(topic, shape);
    this.held += cost;
    return true;
  }

  drop(topics: readonly string[]): void {
    for (const topic of topics) if (this.byTopic.delete(topic)) this.held -= keyCost(topic);
  }

  clear(): void {
    this.byTopic.clear();
    this.held = 0;
  }
}
