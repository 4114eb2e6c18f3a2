/**
 * Bytes a whole server may hold for requests not yet complete, shared by its connections: a
 * connection takes from it as its buffered bytes grow and gives back as they are used or dropped.
 *
 * A connection whose bytes do not fit is closed rather than paused: paused connections would keep
 * what they hold for as long as their peers like, so a few slow peers could hold the budget and
 * stall every broker's registration; closed, their memory is free at once and a real client
 * reconnects and sends again.
 */
export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get held(): number {
    return this.used;
  }

  /** Takes `n` bytes if they fit under the limit; false (nothing taken) when they do not. */
  tryTake(n: number): boolean {
    if (this.used + n > this.limit) return false;
    this.used += n;
    return true;
  }

  give(n: number): void {
    this.used -= n;
  }
}
