/** How much one comparison may ask of each NameServer. */
export interface ComparisonLimits {
  /** Routes are compared for at most this many topics (those every NameServer lists, in name order). */
  maxRouteTopics: number;
  /** Requests in flight to one NameServer at a time. */
  concurrency: number;
  /** Timeout of one request. */
  timeoutMs: number;
}

export const DEFAULT_LIMITS: ComparisonLimits = {
  maxRouteTopics: 200,
  concurrency: 8,
  timeoutMs: 5000,
};

/** Missing topics and differing routes listed in a report, at most; the counts stay exact. */
export const MAX_LISTED = 500;
