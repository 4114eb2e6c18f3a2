/**
 * A bound on one HTTP exchange, body included: `signal` aborts the fetch when the time is up or the
 * owner closes, and `bound` settles no later than that even if the work ignores its signal.
 *
 * Why not `AbortSignal.any([closing, AbortSignal.timeout(ms)])`: Node holds a timeout signal only
 * weakly unless an abort listener sits on it directly, and `any` adds none. Once the garbage
 * collector takes it, its timer is cleared and the combined signal never fires, so a request to a
 * member that accepts connections but never answers (a SIGSTOPped etcd) waited forever, and only
 * where the heap was busy enough to collect in between. Here the timer holds the controller.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly expired: Promise<never>;
  private readonly onClose: () => void;

  constructor(
    readonly timeoutMs: number,
    private readonly closing?: AbortSignal,
  ) {
    let reject!: (reason: unknown) => void;
    this.expired = new Promise<never>((_, fail) => {
      reject = fail;
    });
    this.expired.catch(() => undefined);
    const stop = (reason: DOMException) => {
      reject(reason);
      this.controller.abort(reason);
    };
    this.timer = setTimeout(() => stop(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    this.onClose = () => stop(new DOMException('closed', 'AbortError'));
    if (closing?.aborted) this.onClose();
    else closing?.addEventListener('abort', this.onClose, { once: true });
  }

  /** For the fetch: aborted when the deadline passes or the owner closes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** `work`, or a TimeoutError / AbortError DOMException once the deadline passes or the owner closes. */
  bound<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.expired]);
  }

  /** Stops the timer; call once the exchange is over, however it ended. */
  end(): void {
    clearTimeout(this.timer);
    this.closing?.removeEventListener('abort', this.onClose);
  }
}
