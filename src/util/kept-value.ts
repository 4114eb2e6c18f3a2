/**
 * Something made from the registry as of one of its generations (an encoded list, a cluster's
 * topics), kept while that generation holds. One still being made (a promise: it takes several
 * turns of the loop) is shared by every ask meanwhile, whatever the generation then: it stands for
 * the registry as it was when it began, and the first ask after it is made sees the generation has
 * moved and makes it afresh. So one is made at a time, however often clients ask while brokers
 * change the registry.
 */
export class KeptValue<T extends object> {
  private generation = -1;
  private value: T | Promise<T> | null = null;

  get(generation: number, make: () => T | Promise<T>): T | Promise<T> {
    if (this.value !== null && (this.generation === generation || this.value instanceof Promise)) return this.value;
    const made = make();
    this.generation = generation;
    this.value = made;
    if (made instanceof Promise) {
      made.then(
        (value) => {
          if (this.value === made) this.value = value;
        },
        () => {
          if (this.value === made) this.value = null;
        },
      );
    }
    return made;
  }

  clear(): void {
    this.value = null;
  }
}

/**
 * Kept values by name (a cluster's list, a kind of topic list), at most `limit` names: names may
 * be the caller's choice, so past the limit every value goes and keeping starts afresh.
 */
export class KeptValues<T extends object> {
  private readonly byName = new Map<string, KeptValue<T>>();

  constructor(private readonly limit: number) {}

  get(name: string, generation: number, make: () => T | Promise<T>): T | Promise<T> {
    let kept = this.byName.get(name);
    if (!kept) {
      if (this.byName.size >= this.limit) this.byName.clear();
      this.byName.set(name, (kept = new KeptValue<T>()));
    }
    return kept.get(generation, make);
  }

  /** How many names have a value kept or being made (for leak checks). */
  get size(): number {
    return this.byName.size;
  }

  clear(): void {
    this.byName.clear();
  }
}
