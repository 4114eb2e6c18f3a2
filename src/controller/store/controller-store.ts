/**
 * Where the controller keeps the replicated state of broker sets, and who may change it.
 *
 * The controller's rules live above this interface and know nothing of files or etcd. A store
 * holds opaque records (one JSON string per key, e.g. one per broker set) and decides leadership:
 * only the leader commits, and a commit is answered only once it is durable. A store that cannot
 * prove this node still leads refuses the commit (`NotLeaderError`), so a deposed leader never writes.
 */
export interface ControllerStore {
  /** Reads what is durable and starts taking part in leadership. */
  start(): Promise<void>;
  /** Gives up leadership (if held) and releases every resource; idempotent. */
  close(): Promise<void>;
  /** This node's view of leadership right now. */
  leadership(): Leadership;
  /** Told whenever `leadership()` changes; returns an unsubscribe function. */
  onLeadershipChange(listener: (leadership: Leadership) => void): () => void;
  /**
   * Every record, read fresh from the durable copy (never from a cache that may be stale).
   * A new leader calls it before it decides anything.
   */
  readAll(): Promise<Map<string, string>>;
  /**
   * Applies these puts (value) and deletes (null) atomically, only while this node leads the term
   * it had when it read. Resolves once durable; rejects with `NotLeaderError` when not leading, or
   * with `StoreUnavailableError` when the outcome cannot be known (the caller must re-read).
   */
  commit(changes: ReadonlyArray<RecordChange>): Promise<void>;
  /**
   * The next commit may be made before this one is durable: commits become durable in the order
   * they were made, and once one fails every later one fails too, until `readAll` (which waits
   * for those in flight). Such a store can write many changes at once; without it the caller
   * waits for each commit before making the next.
   */
  readonly pipelinesCommits?: boolean;
}

export interface RecordChange {
  readonly key: string;
  /** The new record, or null to delete it. */
  readonly value: string | null;
}

export type Leadership =
  | { readonly role: 'leader'; readonly term: number; readonly leaderAddress: string }
  | { readonly role: 'follower'; readonly leaderAddress: string | null }
  /** The store cannot be reached: nobody can be shown to lead, so nothing is decided. */
  | { readonly role: 'unavailable'; readonly reason: string };

export class NotLeaderError extends Error {
  constructor(readonly leaderAddress: string | null) {
    super(leaderAddress ? `not the controller leader; the leader is ${leaderAddress}` : 'not the controller leader');
    this.name = 'NotLeaderError';
  }
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
