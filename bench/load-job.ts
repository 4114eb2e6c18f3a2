import type { HistogramSnapshot } from './histogram.js';
import type { RequestTemplate } from './wire.js';

/** What the orchestrator asks of one load-generator process. */
export interface LoadJob {
  host: string;
  port: number;
  /** `pipelined`: long-lived connections, a fixed number of requests in flight on each. `churn`: connect, ask once, close. */
  mode: 'pipelined' | 'churn';
  /** Connections (pipelined) or concurrent connect-ask-close loops (churn). */
  connections: number;
  inFlight: number;
  /**
   * Above 0, pipelined connections send this many requests a second in all (split across workers),
   * whatever has been answered, each timed from when it was due (open loop); 0 keeps `inFlight`
   * outstanding on each connection (closed loop).
   */
  ratePerSecond: number;
  request: RequestTemplate;
  /** Consecutive phases; only phases with `record` count towards results. */
  phases: PhaseSpec[];
  /** Wall-clock time (Date.now()) at which the first phase starts, shared by all workers. */
  startAt: number;
  /** Stop sending in a recording phase after this many requests from this worker (0: no cap). */
  maxRequests: number;
  seed: number;
}

export interface PhaseSpec {
  name: string;
  ms: number;
  record: boolean;
}

export interface PhaseResult {
  name: string;
  elapsedMs: number;
  histogram: HistogramSnapshot;
  /** Responses with a code other than SUCCESS. */
  errorResponses: number;
  /** Connect failures, closed connections, unreadable frames. */
  ioErrors: number;
  bytesIn: number;
  /** This worker's own CPU time during the phase, in ms. */
  cpuMs: number;
  /** Event-loop utilisation of this worker during the phase (1 = saturated). */
  elu: number;
}

export interface WorkerResult {
  phases: PhaseResult[];
  /** Requests still unanswered when the worker gave up waiting. */
  unanswered: number;
  /** Response codes other than SUCCESS, with counts (first few kinds). */
  errorCodes: Record<string, number>;
  firstError: string | null;
}

export type WorkerMessage =
  | { type: 'connected'; connections: number; failed: number; firstError: string | null }
  | { type: 'done'; result: WorkerResult }
  | { type: 'failed'; message: string };

export type OrchestratorMessage = { type: 'job'; job: LoadJob } | { type: 'start'; startAt: number } | { type: 'abort' };
