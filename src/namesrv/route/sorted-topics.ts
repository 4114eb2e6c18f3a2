/** Past this many topics changed one by one, a full reconcile (one pass and a merge) is cheaper. */
const MAX_SINGLE_UPDATES = 256;

/**
 * The registry's topic names, sorted, kept between reads: sorting 30,000 names takes 15-20 ms, too
 * long to do per HTTP request. Changes are noted as they happen (a topic, or `null` for any) and
 * applied at the next read: a few topics by binary search, more by one pass over the registry's
 * names that sorts only the new ones and merges them in.
 */
export class SortedTopics {
  private sorted: string[] = [];
  private readonly members = new Set<string>();
  private readonly touched = new Set<string>();
  private reconcileAll = true;

  /**
   * @param allTopics the registry's topic names, in any order
   * @param hasTopic whether the registry has a route for a topic
   */
  constructor(
    private readonly allTopics: () => string[],
    private readonly hasTopic: (topic: string) => boolean,
  ) {}

  /** A topic's route changed (`null`: possibly every topic's). */
  changed(topic: string | null): void {
    if (this.reconcileAll) return;
    if (topic === null || this.touched.size >= MAX_SINGLE_UPDATES) {
      this.reconcileAll = true;
      this.touched.clear();
      return;
    }
    this.touched.add(topic);
  }

  /** The names, sorted by UTF-16 code units (as Java's String.compareTo). Do not modify. */
  names(): readonly string[] {
    if (this.reconcileAll) this.reconcile();
    else if (this.touched.size > 0) this.applyTouched();
    return this.sorted;
  }

  private applyTouched(): void {
    for (const topic of this.touched) {
      const present = this.hasTopic(topic);
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
    this.touched.clear();
  }

  private reconcile(): void {
    const current = this.allTopics();
    const added = current.filter((topic) => !this.members.has(topic)).sort(compare);
    const removedCount = this.members.size + added.length - current.length;
    let kept = this.sorted;
    if (removedCount > 0) {
      const now = new Set(current);
      kept = kept.filter((topic) => now.has(topic));
      for (const topic of this.sorted) if (!now.has(topic)) this.members.delete(topic);
    }
    for (const topic of added) this.members.add(topic);
    this.sorted = added.length === 0 ? kept : merge(kept, added);
    this.reconcileAll = false;
    this.touched.clear();
  }
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

function merge(a: readonly string[], b: readonly string[]): string[] {
  const out = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
