/** What every scenario gets: the options, a server to load, and a log line writer. */
import type { BenchOptions } from './options.js';
import { sampleProcess } from './proc-stats.js';
import type { Fact } from './results-model.js';
import { idleRssMb, startOwnServer, type ServerTarget } from './server-process.js';

export interface BenchContext {
  options: BenchOptions;
  /** Runs `fn` against the target: the --against server, or a fresh server of this project (stopped afterwards). */
  withServer<T>(scenario: string, facts: Fact[], fn: (target: ServerTarget) => Promise<T>, extraServerArgs?: string[]): Promise<T>;
  log(line: string): void;
}

export function createContext(options: BenchOptions): BenchContext {
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  return {
    options,
    log,
    async withServer(scenario, facts, fn, extraServerArgs = []) {
      if (options.against) {
        const rss = options.pid === null ? null : sampleProcess(options.pid)?.rssMb;
        if (rss != null) facts.push({ scenario, name: 'server RSS before the scenario', value: Math.round(rss), unit: 'MB' });
        return fn({ ...options.against, pid: options.pid, label: `NameServer at ${options.against.host}:${options.against.port}` });
      }
      const server = await startOwnServer({ nodeArgs: options.serverNodeArgs, serverArgs: [...options.serverArgs, ...extraServerArgs], cli: options.serverCli });
      try {
        facts.push({ scenario, name: 'start-up to listening', value: Math.round(server.startupMs), unit: 'ms' });
        facts.push({ scenario, name: 'idle RSS after start', value: await idleRssMb(server.pid, 500), unit: 'MB' });
        log(`${scenario}: server pid ${server.pid} listening on ${server.host}:${server.port} after ${Math.round(server.startupMs)} ms`);
        return await fn(server);
      } finally {
        await server.stop();
      }
    },
  };
}
