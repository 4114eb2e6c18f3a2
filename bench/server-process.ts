/**
 * This project's NameServer as a separate child process (so that its RSS and CPU are its own),
 * in a temp HOME so that it writes no files into the real one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleProcessTree } from './proc-stats.js';

const CLI = fileURLToPath(new URL('../../bin/mqnamesrv.js', import.meta.url));
const BOOT_LINE = /The Name Server boot success\. serializeType=\w+, address ([^\s:]+):(\d+)/;
const BOOT_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 8_000;

export interface ServerTarget {
  host: string;
  port: number;
  /** Local pid whose /proc figures are read, when known. */
  pid: number | null;
  label: string;
}

export interface StartedServer extends ServerTarget {
  /** Spawn to boot line, ms. */
  startupMs: number;
  /** The process has ended (on its own, or stopped). */
  exited(): boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra node options for the server (e.g. --cpu-prof --cpu-prof-dir=...). */
  nodeArgs: string[];
  /** Extra mqnamesrv options. */
  serverArgs: string[];
  /** mqnamesrv script; bin/mqnamesrv.js of this checkout by default. */
  cli?: string | null;
  /** A program the server runs under (e.g. valgrind and its options); node is its first argument after these. */
  wrapper?: string[];
  bootTimeoutMs?: number;
}

export function startOwnServer(options: StartOptions): Promise<StartedServer> {
  return startServerProcess({
    nodeArgs: options.nodeArgs,
    cli: options.cli ?? CLI,
    args: ['--listenPort=0', '--bindAddress=127.0.0.1', ...options.serverArgs],
    bootLine: BOOT_LINE,
    wrapper: options.wrapper,
    bootTimeoutMs: options.bootTimeoutMs,
  });
}

export interface ProcessStartOptions {
  nodeArgs: string[];
  cli: string;
  args: string[];
  /** The line that says the server listens: its groups 1 and 2 are host and port (or `address` says where). */
  bootLine: RegExp;
  /** Where the server listens, for a boot line that does not say. */
  address?: { host: string; port: number };
  /** A program to run instead of `node nodeArgs cli args` (another NameServer: a Java one). */
  command?: string[];
  /** Variables added to the environment; `{home}` in a value is the temp HOME. */
  env?: Record<string, string>;
  /** A program the server runs under (e.g. valgrind and its options); node is its first argument after these. */
  wrapper?: string[];
  bootTimeoutMs?: number;
}

/** Starts a server script in a temp HOME and waits for its boot line. */
export async function startServerProcess(options: ProcessStartOptions): Promise<StartedServer> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-bench-'));
  const started = performance.now();
  const nodeCommand = options.command ?? [process.execPath, ...options.nodeArgs, options.cli, ...options.args];
  const [program, ...args] = [...(options.wrapper ?? []), ...nodeCommand];
  const extraEnv = Object.fromEntries(Object.entries(options.env ?? {}).map(([k, v]) => [k, v.replaceAll('{home}', home)]));
  const bootTimeoutMs = options.bootTimeoutMs ?? BOOT_TIMEOUT_MS;
  const child = spawn(program!, args, {
    env: { ...process.env, HOME: home, USERPROFILE: home, ...extraEnv },
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const { host, port } = await new Promise<{ host: string; port: number }>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`no boot line within ${bootTimeoutMs} ms`)), bootTimeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${output.slice(-20).join('\n')}`));
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (output.length < 200) output.push(line);
        const match = options.bootLine.exec(line);
        if (match) {
          clearTimeout(timer);
          const host = match[1] ?? options.address?.host ?? '127.0.0.1';
          resolve({ host: host === '0.0.0.0' ? '127.0.0.1' : host, port: Number(match[2] ?? options.address?.port) });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => output.length < 200 && output.push(chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the server exited (code ${code}) before booting`)));
  });
  const startupMs = performance.now() - started;
  // Keep draining its output so that a full pipe never stalls it.
  child.stdout!.resume();
  child.stderr!.resume();
  child.removeAllListeners('exit');
  return {
    host,
    port,
    pid: child.pid ?? null,
    label: `this project (pid ${child.pid})`,
    startupMs,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child, home),
  };
}

async function stopChild(child: ChildProcess, home: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(home, { recursive: true, force: true });
}

/** RSS after the server has sat idle for a moment (its serving processes included). */
export async function idleRssMb(pid: number | null, settleMs = 1000): Promise<number | null> {
  if (pid === null) return null;
  await new Promise((r) => setTimeout(r, settleMs));
  const s = sampleProcessTree(pid);
  return s ? Math.round(s.rssMb * 10) / 10 : null;
}
