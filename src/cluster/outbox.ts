/**
 * Messages to the primary, sent in the order they were made. A message that is not ready yet (a
 * request whose register body is still being written to the primary's directory) takes its place
 * with `reserve`, and whatever is made after it waits behind it: the primary sees a connection's
 * requests, and its close, in the order they happened, as when every message went out at once.
 */
export class Outbox<M> {
  private readonly queue: Array<{ message: M | null }> = [];

  constructor(
    private readonly sendNow: (message: M) => void,
    /** A message that could not go when its place was filled: that happens in an I/O callback, where a throw would end the process. */
    private readonly failed: (err: unknown, message: M) => void,
  ) {}

  send(message: M): void {
    if (this.queue.length === 0) this.sendNow(message);
    else this.queue.push({ message });
  }

  /** Takes the next place for a message made later: the function returned sends it there (once). */
  reserve(): (message: M) => void {
    const place: { message: M | null } = { message: null };
    this.queue.push(place);
    return (message) => {
      if (place.message !== null) return;
      place.message = message;
      this.flush();
    };
  }

  /** Messages waiting behind one not ready yet. */
  get waiting(): number {
    return this.queue.length;
  }

  private flush(): void {
    while (this.queue.length > 0 && this.queue[0]!.message !== null) {
      const message = this.queue.shift()!.message!; // taken off before it goes: a throw cannot send it twice
      try {
        this.sendNow(message);
      } catch (err) {
        this.failed(err, message);
      }
    }
  }
}
