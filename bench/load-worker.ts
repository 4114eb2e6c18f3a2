/**
 * A load-generator process (forked by load-pool.ts): keeps `connections` connections with
 * `inFlight` requests outstanding on each (or runs connect-ask-close loops), records latencies
 * per phase and reports back over IPC. Every loop ends with its last phase; a watchdog ends the
 * process if the orchestrator goes away.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Histogram } from './histogram.js';
import type { LoadJob, OrchestratorMessage, PhaseResult, WorkerMessage, WorkerResult } from './load-job.js';
import { askOnceRaw, rawClientAvailable } from './raw-churn-client.js';
import { ResponseReader, sharedReadBuffer } from './response-reader.js';
import { framesOf, readResponseHead, RequestWriter, SUCCESS } from './wire.js';

const CONNECT_TIMEOUT_MS = 5000;
const DRAIN_MS = 3000;
const SLOT_RING = 4096;

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function xorshift(seed: number): () => number {
  let x = seed | 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

/** Counters of the phase now running; replaced at each phase boundary. */
class PhaseCounters {
  readonly histogram = new Histogram();
  errorResponses = 0;
  ioErrors = 0;
  bytesIn = 0;
  sent = 0;
  readonly startedAt = performance.now();
  readonly cpu = process.cpuUsage();
  readonly elu = performance.eventLoopUtilization();
  constructor(readonly name: string, readonly record: boolean) {}

  finish(): PhaseResult {
    const cpu = process.cpuUsage(this.cpu);
    return {
      name: this.name,
      elapsedMs: performance.now() - this.startedAt,
      histogram: this.histogram.snapshot(),
      errorResponses: this.errorResponses,
      ioErrors: this.ioErrors,
      bytesIn: this.bytesIn,
      cpuMs: (cpu.user + cpu.system) / 1000,
      elu: performance.eventLoopUtilization(this.elu).utilization,
    };
  }
}

class LoadRun {
  phase: PhaseCounters | null = null;
  sending = false;
  readonly results: PhaseResult[] = [];
  readonly errorCodes: Record<string, number> = {};
  firstError: string | null = null;
  readonly writer: RequestWriter;
  readonly random: () => number;
  /** Requests go out on a schedule (job.ratePerSecond), not as answers come back. */
  readonly paced: boolean;

  constructor(readonly job: LoadJob) {
    this.paced = job.ratePerSecond > 0;
    this.writer = new RequestWriter(job.request);
    this.random = xorshift(job.seed);
  }

  /** May another request be sent now? */
  canSend(): boolean {
    if (!this.sending || !this.phase) return false;
    if (this.phase.record && this.job.maxRequests > 0 && this.phase.sent >= this.job.maxRequests) return false;
    return true;
  }

  noteSent(): void {
    if (this.phase) this.phase.sent++;
  }

  noteResponse(code: number, latencyMs: number, bytes: number): void {
    const phase = this.phase;
    if (!phase) return;
    phase.bytesIn += bytes;
    if (code !== SUCCESS) {
      phase.errorResponses++;
      const key = String(code);
      if (Object.keys(this.errorCodes).length < 8 || key in this.errorCodes) this.errorCodes[key] = (this.errorCodes[key] ?? 0) + 1;
    }
    phase.histogram.recordMs(latencyMs);
  }

  noteIoError(message: string): void {
    if (this.phase) this.phase.ioErrors++;
    this.firstError ??= message;
  }
}

/** One long-lived connection with a fixed number of requests outstanding. */
class PipelinedConnection {
  private readonly reader = new ResponseReader((frame) => this.onFrame(frame));
  private readonly sentAt = new Float64Array(SLOT_RING);
  private readonly sentOpaque = new Int32Array(SLOT_RING).fill(-1);
  private nextOpaque = 1;
  /** When the read being taken arrived: the answer time of its frames. */
  private readAt = 0;
  private socket: net.Socket | null = null;
  outstanding = 0;
  closed = false;

  constructor(private readonly run: LoadRun) {}

  attach(socket: net.Socket): void {
    const { run } = this;
    this.socket = socket;
    socket.on('error', (err) => run.noteIoError(err.message));
    socket.on('close', () => {
      if (!this.closed) run.noteIoError('connection closed by the server');
      this.closed = true;
    });
  }

  /** Headers of paced requests due since the last flush. */
  private due: string[] = [];

  /** Tops the connection up to its in-flight quota with one write (closed loop). */
  fill(): void {
    if (this.closed || !this.socket || this.run.paced) return;
    const headers: string[] = [];
    while (this.outstanding < this.run.job.inFlight && this.run.canSend()) headers.push(this.next(performance.now()));
    if (headers.length > 0) this.socket.write(framesOf(headers));
  }

  /**
   * Queues one paced request due at `dueAt`, its latency counted from then; false when the
   * connection cannot take it (closed, or as many outstanding as its slots track).
   */
  queueDue(dueAt: number): boolean {
    if (this.closed || !this.socket || this.outstanding >= SLOT_RING - 1) return false;
    this.due.push(this.next(dueAt));
    return true;
  }

  /** Sends the paced requests queued since the last flush in one write. */
  flush(): void {
    if (this.due.length === 0 || this.closed || !this.socket) return;
    this.socket.write(framesOf(this.due));
    this.due = [];
  }

  private next(sentAt: number): string {
    const opaque = this.nextOpaque;
    this.nextOpaque = this.nextOpaque >= 0x3fffffff ? 1 : this.nextOpaque + 1;
    const slot = opaque & (SLOT_RING - 1);
    this.sentAt[slot] = sentAt;
    this.sentOpaque[slot] = opaque;
    this.outstanding++;
    this.run.noteSent();
    return this.run.writer.header(opaque, this.run.random);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }

  onRead(length: number, buffer: Buffer): void {
    this.readAt = performance.now();
    try {
      this.reader.read(length, buffer);
    } catch (err) {
      this.run.noteIoError(`unreadable response: ${(err as Error).message}`);
      this.close();
      return;
    }
    this.fill();
  }

  private onFrame(frame: Buffer): void {
    const head = readResponseHead(frame);
    if (!head.isResponse) return;
    const slot = head.opaque & (SLOT_RING - 1);
    if (this.sentOpaque[slot] !== head.opaque) return;
    this.sentOpaque[slot] = -1;
    this.outstanding--;
    this.run.noteResponse(head.code, this.readAt - this.sentAt[slot], frame.length + 4);
  }
}

/** A socket whose reads go to `onRead` (in the shared read buffer: valid during the call only). */
function openSocket(host: string, port: number, onRead: (length: number, buffer: Buffer) => void): net.Socket {
  const callback = (length: number, buffer: Uint8Array): boolean => {
    onRead(length, buffer as Buffer);
    return true;
  };
  const socket = net.connect({ host, port, onread: { buffer: sharedReadBuffer, callback } });
  socket.setNoDelay(true);
  return socket;
}

function connect(host: string, port: number, onRead: (length: number, buffer: Buffer) => void): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = openSocket(host, port, onRead);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * Sends the job's paced requests round the connections, each tick (about a millisecond) all those
 * due since the last one. A request is due at a fixed time whatever came back: a server that
 * stalls shows its stall in full in the latencies (no coordinated omission). Requests due while
 * the phase may not send (a request cap) are skipped, not sent late.
 */
function pace(run: LoadRun, connections: PipelinedConnection[], stopped: () => boolean): void {
  const perMs = run.job.ratePerSecond / 1000;
  const started = performance.now();
  let scheduled = 0;
  let next = 0;
  const tick = () => {
    if (stopped() || connections.length === 0) return;
    const due = Math.floor((performance.now() - started) * perMs);
    for (; scheduled < due; scheduled++) {
      if (!run.canSend()) continue;
      const dueAt = started + scheduled / perMs;
      for (let tries = 0; tries < connections.length && !connections[next]!.queueDue(dueAt); tries++) next = (next + 1) % connections.length;
      next = (next + 1) % connections.length;
    }
    for (const c of connections) c.flush();
    setTimeout(tick, 1);
  };
  tick();
}

/** One connect → one request → close loop (a short-lived client), on the bare TCP handle where Node offers it. */
async function churnLoop(run: LoadRun, stopped: () => boolean): Promise<void> {
  const { host, port } = run.job;
  const raw = rawClientAvailable(host);
  while (run.canSend() && !stopped()) {
    const started = performance.now();
    run.noteSent();
    try {
      const { code, bytes } = raw ? await askOnceRaw(host, port, framesOf([run.writer.header(1, run.random)]), CONNECT_TIMEOUT_MS) : await askOnce(host, port, run);
      run.noteResponse(code, performance.now() - started, bytes);
    } catch (err) {
      run.noteIoError((err as Error).message);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function askOnce(host: string, port: number, run: LoadRun): Promise<{ code: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const reader = new ResponseReader((frame) => {
      const head = readResponseHead(frame);
      if (!head.isResponse || head.opaque !== 1) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ code: head.code, bytes: frame.length + 4 });
    });
    const socket = openSocket(host, port, (length, buffer) => {
      try {
        reader.read(length, buffer);
      } catch (err) {
        clearTimeout(timer);
        socket.destroy();
        reject(err as Error);
      }
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 5 s'));
    }, CONNECT_TIMEOUT_MS);
    socket.once('connect', () => socket.write(framesOf([run.writer.header(1, run.random)])));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      reject(new Error('closed before the answer'));
    });
  });
}

async function runJob(job: LoadJob, waitForStart: () => Promise<number>): Promise<void> {
  const run = new LoadRun(job);
  const connections: PipelinedConnection[] = [];
  if (job.mode === 'pipelined') {
    const opening = Array.from({ length: job.connections }, () => new PipelinedConnection(run));
    const settled = await Promise.allSettled(opening.map((c) => connect(job.host, job.port, (length, buffer) => c.onRead(length, buffer))));
    let failed = 0;
    let firstError: string | null = null;
    for (const [i, s] of settled.entries()) {
      if (s.status === 'fulfilled') {
        opening[i].attach(s.value);
        connections.push(opening[i]);
      } else {
        failed++;
        firstError ??= (s.reason as Error).message;
      }
    }
    send({ type: 'connected', connections: connections.length, failed, firstError });
  } else {
    send({ type: 'connected', connections: 0, failed: 0, firstError: null });
  }

  const startAt = await waitForStart();
  await sleepUntil(startAt);
  run.sending = true;
  let stopped = false;
  const churners: Promise<void>[] = [];
  for (let p = 0; p < job.phases.length; p++) {
    const spec = job.phases[p];
    const ending = startAt + job.phases.slice(0, p + 1).reduce((sum, s) => sum + s.ms, 0);
    run.phase = new PhaseCounters(spec.name, spec.record);
    if (p === 0) {
      if (job.mode === 'pipelined' && run.paced) pace(run, connections, () => stopped || !run.sending);
      else if (job.mode === 'pipelined') for (const c of connections) c.fill();
      else for (let i = 0; i < job.connections; i++) churners.push(churnLoop(run, () => stopped));
    } else {
      // A request cap may have stopped sending in the previous phase.
      for (const c of connections) c.fill();
    }
    await sleepUntil(ending);
    if (p === job.phases.length - 1) run.sending = false;
    run.results.push(run.phase.finish());
  }
  stopped = true;
  const drainUntil = Date.now() + DRAIN_MS;
  while (Date.now() < drainUntil && connections.some((c) => !c.closed && c.outstanding > 0)) await sleep(20);
  const unanswered = connections.reduce((n, c) => n + (c.closed ? 0 : c.outstanding), 0);
  for (const c of connections) c.close();
  await Promise.race([Promise.allSettled(churners), sleep(DRAIN_MS)]);
  const result: WorkerResult = { phases: run.results, unanswered, errorCodes: run.errorCodes, firstError: run.firstError };
  send({ type: 'done', result });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function sleepUntil(wallClockMs: number): Promise<void> {
  const wait = wallClockMs - Date.now();
  if (wait > 0) await sleep(wait);
}

function main(): void {
  let job: LoadJob | null = null;
  let startResolver: ((startAt: number) => void) | null = null;
  const startAt = new Promise<number>((resolve) => (startResolver = resolve));
  process.on('message', (message: OrchestratorMessage) => {
    if (message.type === 'job' && !job) {
      job = message.job;
      const total = job.phases.reduce((sum, s) => sum + s.ms, 0);
      // Watchdog: nothing here outlives its job by more than a minute.
      setTimeout(() => process.exit(2), total + 60_000).unref();
      runJob(job, () => startAt).then(
        () => process.disconnect?.(),
        (err: Error) => {
          send({ type: 'failed', message: err.stack ?? err.message });
          process.disconnect?.();
        },
      );
    } else if (message.type === 'start') {
      startResolver?.(message.startAt);
    } else if (message.type === 'abort') {
      process.exit(3);
    }
  });
  process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
}

main();
