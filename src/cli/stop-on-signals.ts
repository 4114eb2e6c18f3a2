import type { Logger } from '../util/logger.js';

export interface Stoppable {
  shutdown(): Promise<void>;
}

const FORCED_EXIT_DELAY_MS = 5000;

/**
 * Makes SIGTERM and SIGINT a graceful stop at any moment after the process began starting:
 * before the server exists (nothing to close: exit 0), while it starts (it is shut down once its
 * start settled, and never announced), or while it runs. A second signal forces exit 1.
 * Installed first thing, so a supervisor that stops the server right after its boot line (or
 * before) never kills it mid-way.
 */
export class StopOnSignals {
  private server: Stoppable | null = null;
  private starting: Promise<unknown> | null = null;
  private logger: Logger | null = null;
  private stopping = false;

  constructor(earlySignal: NodeJS.Signals | null = null) {
    process.on('SIGTERM', this.onSignal);
    process.on('SIGINT', this.onSignal);
    if (earlySignal) this.onSignal(earlySignal);
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  useLogger(logger: Logger): void {
    this.logger = logger;
  }

  /** From now on a signal stops `server`, after `starting` (its start) has settled. */
  manage(server: Stoppable, starting: Promise<unknown>): void {
    this.server = server;
    this.starting = starting;
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.stopping) process.exit(1);
    this.stopping = true;
    this.say(`${signal} received, shutting down`);
    const server = this.server;
    const stopped = server ? (this.starting ?? Promise.resolve()).catch(() => undefined).then(() => server.shutdown()) : Promise.resolve();
    stopped.then(
      () => exitWhenIdle(0),
      (err: unknown) => {
        this.logger?.error({ err }, 'shutdown failed');
        exitWhenIdle(1);
      },
    );
  };

  private say(message: string): void {
    if (this.logger) this.logger.info(message);
    else process.stdout.write(`${message}\n`);
  }
}

/**
 * Lets the process end by itself once the server's sockets and timers are gone, so the logger can
 * finish writing; forces the exit if something still holds it open after a while.
 */
export function exitWhenIdle(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), FORCED_EXIT_DELAY_MS).unref();
}
