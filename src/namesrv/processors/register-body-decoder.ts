import { Worker } from 'node:worker_threads';
import { decodeTopicConfigSerializeWrapper } from '../../protocol/bodies/index.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import type { Logger } from '../../util/logger.js';
import { TopicTableParts, decodedRegistrationOf, type RegistrationBody } from '../route/topic-rows.js';
import { BodyCrcMismatch, checkBodyCrc, decodeBodyBytes, type BodyForm, type DecodeJob, type DecodeReply } from './register-body-job.js';
import { registerBodyFingerprint, type RegisterBodyFingerprint } from './register-body-fingerprint.js';
import { DEFAULT_REGISTER_BODY_LIMITS, type RegisterBodyLimits } from '../config/server-extras-config.js';
import type { HeldRegisterBody } from './held-register-body.js';
import type { RegisterBodyForm } from './register-body-form.js';
import { RegisterBodyInflater, type InflateChunks } from './register-body-inflater.js';

/** Bodies at least this large are decoded on the worker thread. */
export const DEFAULT_WORKER_THRESHOLD_BYTES = 256 * 1024;

/**
 * The largest buffer kept for the next large body's copy: a 20,000-topic body is ~3.4 MB, and one
 * rare body near `frameMaxLength` must not pin that much memory for good (it is copied into fresh
 * memory instead).
 */
export const DEFAULT_SPARE_MAX_BYTES = 8 * 1024 * 1024;

/** A job unanswered for this long fails, and the worker is replaced (64 MiB of JSON decodes in well under a second). */
export const DEFAULT_JOB_TIMEOUT_MS = 30_000;

interface WaitingBody {
  own: Uint8Array;
  form: BodyForm;
  crc32: number | null;
  resolve(body: RegistrationBody): void;
  reject(err: Error): void;
}

interface PendingJob {
  resolve(body: RegistrationBody): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  /** Set by the first part of a table sent in parts: the job resolved with it, and it gets the rest. */
  parts: TopicTableParts | null;
}

export interface RegisterBodyDecoderOptions {
  thresholdBytes?: number;
  jobTimeoutMs?: number;
  /** The worker's script; the real decoder unless a test stands in for it. */
  workerUrl?: URL;
  /** How compressed bodies are inflated; zlib on libuv's thread pool unless a test counts or gates it. */
  inflateChunks?: InflateChunks;
  spareMaxBytes?: number;
}

/** A register body ready for the registry: its fingerprint now, its topics when they must be decoded. */
export interface RegisterBodyRead {
  fingerprint: RegisterBodyFingerprint | null;
  /**
   * Checks the body against the header's `bodyCrc32` (when sent: null or 0 is not checked), then
   * decodes it; a mismatch throws (or rejects with) BodyCrcMismatch, bad bytes a BodyDecodeError.
   */
  decode(crc32: number | null): RegistrationBody | Promise<RegistrationBody>;
}

const NO_BODY: RegisterBodyRead = {
  fingerprint: null,
  decode: () => decodedRegistrationOf({ dataVersion: { stateVersion: 0, timestamp: 0, counter: 0 }, topicConfigTable: new Map() }, []),
};

/**
 * Reads REGISTER_BROKER bodies. A compressed body is inflated once, on libuv's thread pool, within
 * the inflate limits, and fingerprinted as it inflates. Small bodies are decoded at once, large
 * ones (a broker with tens of thousands of topics sends megabytes) on one worker thread, so the
 * event loop keeps answering route lookups while the JSON or records are parsed. The worker starts
 * on first use (~11 MB of memory that a server whose brokers send no large body never spends), and
 * keeps the process alive only while it starts or has jobs; a large body that comes before it is
 * up waits for it. A job that gets no answer in time, or whose worker dies, fails (the registration
 * is answered with an error and the broker retries), and the next large body gets a new worker: a
 * broker's registrations wait for each other, so one lost answer must not block them for good.
 */
export class RegisterBodyDecoder {
  private worker: Worker | null = null;
  private online: Promise<boolean> | null = null;
  private workerOnline = false;
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;
  private readonly thresholdBytes: number;
  private readonly jobTimeoutMs: number;
  private readonly workerUrl: URL;
  private readonly inflater: RegisterBodyInflater;
  private readonly spareMaxBytes: number;
  /** The last body's buffer, handed back by the worker (one at most: the size of a recent large body). */
  private spare: ArrayBuffer | null = null;
  /** Large bodies that came before the worker was up, copied, in order. */
  private waiting: WaitingBody[] = [];

  constructor(
    private readonly logger: Logger,
    options: RegisterBodyDecoderOptions = {},
  ) {
    this.thresholdBytes = options.thresholdBytes ?? DEFAULT_WORKER_THRESHOLD_BYTES;
    this.jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    this.workerUrl = options.workerUrl ?? new URL('./register-body-worker.js', import.meta.url);
    this.inflater = new RegisterBodyInflater(options.inflateChunks);
    this.spareMaxBytes = options.spareMaxBytes ?? DEFAULT_SPARE_MAX_BYTES;
  }

  /**
   * Fingerprints `body` (a compressed one once inflated; it is never inflated again) and defers
   * decoding to the caller. A compressed body beyond `limits` is refused with a BodyDecodeError.
   * `source` (the connection) orders inflation: see RegisterBodyInflater.
   */
  read(body: Buffer | null, form: RegisterBodyForm, limits: RegisterBodyLimits = DEFAULT_REGISTER_BODY_LIMITS, source?: object): RegisterBodyRead | Promise<RegisterBodyRead> {
    if (!body) return NO_BODY;
    if (form.legacy) {
      const decode = (crc32: number | null) => {
        checkBodyCrc(body, crc32);
        return decodedRegistrationOf(decodeTopicConfigSerializeWrapper(body), []);
      };
      return { fingerprint: registerBodyFingerprint(body, form), decode };
    }
    // A JSON body is checked where it is decoded (a large one on the worker: 3 MB of CRC-32 is a millisecond or more).
    if (!form.compressed) return { fingerprint: registerBodyFingerprint(body, form), decode: (crc32) => this.decode(body, 'json', crc32) };
    return this.inflater.inflate(body, limits, source).then(({ records, fingerprint }) => ({
      fingerprint,
      // The checksum is of the compressed bytes (tens of KB); the records are decoded unchecked.
      decode: (crc32) => {
        checkBodyCrc(body, crc32);
        return this.decode(records, 'records', null);
      },
    }));
  }

  /** A JSON body held by the serving process that read it: its fingerprint now, its bytes fetched only to be decoded. */
  readHeld(held: HeldRegisterBody): RegisterBodyRead {
    return { fingerprint: held.fingerprint, decode: (crc32) => held.fetch().then((bytes) => this.decode(bytes, 'json', crc32)) };
  }

  /**
   * Decodes a JSON body, or the records of an inflated compressed one, checking `crc32` first when
   * given. A large JSON body's topic table may come in parts (ArrivingRegistration), the first
   * while the worker still reads the others.
   */
  decode(bytes: Buffer, form: BodyForm, crc32: number | null = null): RegistrationBody | Promise<RegistrationBody> {
    if (bytes.length < this.thresholdBytes) return decodeBodyBytes(bytes, form, crc32);
    const worker = this.ensureWorker();
    if (!worker) return decodeBodyBytes(bytes, form, crc32);
    const own = this.copyForWorker(bytes);
    if (this.workerOnline) return this.post(worker, own, form, crc32);
    // Until the worker is up (tens of ms after it is started, more on a busy machine) a large
    // body waits for it: decoded here, it would hold every route lookup up for as long.
    return new Promise((resolve, reject) => this.waiting.push({ own, form, crc32, resolve, reject }));
  }

  private post(worker: Worker, own: Uint8Array, form: BodyForm, crc32: number | null): Promise<RegistrationBody> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.onTimeout(id, worker), this.jobTimeoutMs);
      this.pending.set(id, { resolve, reject, timer, parts: null });
      worker.ref();
      const job: DecodeJob = { id, bytes: own, form, crc32 };
      worker.postMessage(job, [own.buffer as ArrayBuffer]);
    });
  }

  /** The bodies that waited for the worker: to it once it is up, decoded here if it never comes up. */
  private releaseWaiting(worker: Worker | null): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const { own, form, crc32, resolve, reject } of waiting) {
      if (worker) {
        this.post(worker, own, form, crc32).then(resolve, reject);
        continue;
      }
      try {
        resolve(decodeBodyBytes(Buffer.from(own.buffer, own.byteOffset, own.byteLength), form, crc32));
      } catch (err) {
        reject(err as Error);
      }
    }
  }

  /** Bytes of the buffer kept for the next large body's copy (handed back by the worker with its last answer). */
  get spareBytes(): number {
    return this.spare?.byteLength ?? 0;
  }

  /**
   * A copy of its own for the worker to take: into the buffer the worker handed back when it is
   * large enough, else into memory not zeroed first (a zeroed copy of 3 MB costs several ms here;
   * an unzeroed one still ~2 ms of page faults, the copy itself 0.4 ms).
   */
  private copyForWorker(bytes: Buffer): Uint8Array {
    const spare = this.spare;
    this.spare = null;
    const own = spare && spare.byteLength >= bytes.length ? new Uint8Array(spare, 0, bytes.length) : Buffer.allocUnsafeSlow(bytes.length);
    own.set(bytes);
    return own;
  }

  /** Starts the worker if needed; resolves true once it takes jobs (false if it cannot start). */
  ready(): Promise<boolean> {
    this.ensureWorker();
    return this.online ?? Promise.resolve(false);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.dropWorker();
    const closing = new Error('the NameServer is shutting down');
    this.failAll(closing);
    for (const body of this.waiting.splice(0)) body.reject(closing);
    await worker?.terminate();
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(this.workerUrl);
      this.online = new Promise((resolve) => {
        worker.once('online', () => {
          this.workerOnline = this.worker === worker;
          if (this.workerOnline) this.releaseWaiting(worker);
          this.releaseWhenIdle();
          resolve(this.workerOnline);
        });
        worker.once('exit', () => resolve(false));
      });
      worker.on('message', (reply: DecodeReply) => this.onReply(reply));
      worker.on('error', (err) => this.onWorkerGone(worker, err));
      worker.on('exit', (code) => this.onWorkerGone(worker, new Error(`the register body decoder worker exited (code ${code})`)));
      this.worker = worker;
      return worker;
    } catch (err) {
      this.logger.warn({ err }, 'cannot start the register body decoder worker; decoding on the main thread');
      return null;
    }
  }

  private onReply(reply: DecodeReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    if ('part' in reply) {
      if (!job.parts) {
        job.parts = new TopicTableParts();
        job.resolve({ dataVersion: reply.dataVersion, parts: job.parts });
      }
      job.parts.push(reply.part);
      return;
    }
    this.pending.delete(reply.id);
    clearTimeout(job.timer);
    if (reply.spent && reply.spent.buffer.byteLength <= this.spareMaxBytes) this.spare = reply.spent.buffer as ArrayBuffer;
    this.releaseWhenIdle();
    // An end with no part before it would leave the registration waiting for good: it fails instead.
    if ('end' in reply) {
      if (job.parts) job.parts.finish(reply.end);
      else job.reject(new Error('the register body decoder ended a table it sent no part of'));
    } else if ('decoded' in reply) job.resolve(reply.decoded);
    else fail(job, reply.kind === 'crc' ? new BodyCrcMismatch() : reply.kind === 'body' ? new BodyDecodeError(reply.error) : new Error(reply.error));
  }

  private onTimeout(id: number, worker: Worker): void {
    const job = this.pending.get(id);
    if (!job) return;
    // Its other jobs would wait as long: fail them all, and start afresh.
    this.onWorkerGone(worker, new Error(`decoding the register body got no answer in ${this.jobTimeoutMs} ms`));
    void worker.terminate();
  }

  private onWorkerGone(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.logger.error({ err }, 'register body decoder worker lost; the next large body starts a new one');
    const cameUp = this.workerOnline;
    this.dropWorker();
    this.failAll(err);
    // Bodies that waited for a worker that never came up are decoded here rather than lost.
    if (!cameUp) this.releaseWaiting(null);
  }

  private releaseWhenIdle(): void {
    if (this.pending.size === 0 && this.workerOnline) this.worker?.unref();
  }

  private dropWorker(): void {
    this.worker = null;
    this.online = null;
    this.workerOnline = false;
  }

  private failAll(err: Error): void {
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      fail(job, err);
    }
    this.pending.clear();
  }
}

/** A job fails: its promise, or the parts it resolved with once some came. */
function fail(job: PendingJob, err: Error): void {
  if (job.parts) job.parts.fail(err);
  else job.reject(err);
}
