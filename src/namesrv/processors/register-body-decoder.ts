import { Worker } from 'node:worker_threads';
import { decodeRegisterBrokerBody } from '../../protocol/bodies/index.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import type { RegisterBrokerBody } from '../../protocol/route-types.js';
import type { Logger } from '../../util/logger.js';
import { unpackRegisterBody, type PackedRegisterBody } from './packed-register-body.js';
import type { DecodeJob } from './register-body-worker.js';

/** Bodies at least this large are decoded on the worker thread. */
export const DEFAULT_WORKER_THRESHOLD_BYTES = 256 * 1024;

type WorkerReply = { id: number; packed: PackedRegisterBody } | { id: number; error: string; bodyError: boolean };

interface PendingJob {
  resolve(body: RegisterBrokerBody): void;
  reject(err: Error): void;
}

/**
 * Decodes REGISTER_BROKER bodies: small ones at once, large ones (a broker with tens of thousands
 * of topics sends megabytes) on one worker thread, so the event loop keeps answering route
 * lookups while the JSON is parsed. The worker starts on first use and never keeps the process alive.
 */
export class RegisterBodyDecoder {
  private worker: Worker | null = null;
  private workerOnline = false;
  private readonly pending = new Map<number, PendingJob>();
  private nextId = 1;

  constructor(
    private readonly logger: Logger,
    private readonly thresholdBytes = DEFAULT_WORKER_THRESHOLD_BYTES,
  ) {}

  decode(bytes: Buffer, compressed: boolean): RegisterBrokerBody | Promise<RegisterBrokerBody> {
    if (bytes.length < this.thresholdBytes) return decodeRegisterBrokerBody(bytes, compressed);
    const worker = this.ensureWorker();
    // Until the worker is up (tens of ms after the first large body), decoding here is sooner.
    if (!worker || !this.workerOnline) return decodeRegisterBrokerBody(bytes, compressed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const job: DecodeJob = { id, bytes: new Uint8Array(bytes), compressed };
      worker.postMessage(job, [job.bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.workerOnline = false;
    this.failAll(new Error('the NameServer is shutting down'));
    await worker?.terminate();
  }

  private ensureWorker(): Worker | null {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(new URL('./register-body-worker.js', import.meta.url));
      worker.unref();
      worker.once('online', () => (this.workerOnline = this.worker === worker));
      worker.on('message', (reply: WorkerReply) => this.onReply(reply));
      worker.on('error', (err) => {
        this.logger.error({ err }, 'register body decoder worker failed; decoding on the main thread');
        this.failAll(err);
        this.worker = null;
        this.workerOnline = false;
      });
      this.worker = worker;
      return worker;
    } catch (err) {
      this.logger.warn({ err }, 'cannot start the register body decoder worker; decoding on the main thread');
      return null;
    }
  }

  private onReply(reply: WorkerReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    if ('packed' in reply) job.resolve(unpackRegisterBody(reply.packed));
    else job.reject(reply.bodyError ? new BodyDecodeError(reply.error) : new Error(reply.error));
  }

  private failAll(err: Error): void {
    for (const job of this.pending.values()) job.reject(err);
    this.pending.clear();
  }
}
