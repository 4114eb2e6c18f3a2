import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/util/free-ports.js';

/**
 * Real RocketMQ processes built by shared/java-peer (JAVA_PEER: 4.9.8, JAVA5_PEER: 5.3.3): a
 * broker, Java's mqadmin, the 5.3.3 producer/consumer. Tests that use them skip, in one line,
 * where the peer is not built (CI has no mirrors to build it from).
 */
export interface JavaPeer {
  /** The folder the peer was built in (its bin/, conf/, lib/). */
  dir: string;
  version: '4.9.8' | '5.3.3';
}

export function javaPeerFrom(variable: 'JAVA_PEER' | 'JAVA5_PEER'): { peer: JavaPeer | null; skip: string | false } {
  const dir = process.env[variable];
  if (!dir) return { peer: null, skip: `${variable} is not set: no real ${variable === 'JAVA_PEER' ? '4.9.8' : '5.3.3'} peer to run (see shared/java-peer/README.md)` };
  return { peer: { dir, version: variable === 'JAVA_PEER' ? '4.9.8' : '5.3.3' }, skip: false };
}

export interface JavaBroker {
  process: ChildProcess;
  /** `127.0.0.1:<listenPort>`: the address it registers. */
  address: string;
  /** What it printed so far (its boot line says which header encoding it speaks). */
  printed(): string;
  exited: Promise<void>;
  kill(): Promise<void>;
}

/** Starts a broker named `name` (broker-a unless `properties` says otherwise) in `home/name`, registering with `namesrv`. */
export async function startJavaBroker(peer: JavaPeer, home: string, name: string, namesrv: string, properties: string[] = [], env: Record<string, string> = {}): Promise<JavaBroker> {
  const [port, haPort] = [await freePort(), await freePort()];
  const dir = path.join(home, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'broker.properties');
  const lines = [
    'brokerClusterName=DefaultCluster', 'brokerName=broker-a', `listenPort=${port}`, `haListenPort=${haPort}`,
    `namesrvAddr=${namesrv}`, `storePathRootDir=${dir}/store`, `storePathCommitLog=${dir}/store/commitlog`,
    'brokerIP1=127.0.0.1', 'brokerIP2=127.0.0.1', 'mappedFileSizeCommitLog=67108864', 'mappedFileSizeConsumeQueue=600000',
    'maxHashSlotNum=50000', 'maxIndexNum=200000', 'diskSpaceWarningLevelRatio=99', 'diskSpaceCleanForciblyRatio=98', 'diskMaxUsedSpaceRatio=95',
    ...(peer.version === '5.3.3' ? ['mappedFileSizeTimerLog=16777216'] : []),
    ...properties,
  ];
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const output = path.join(dir, 'broker.out');
  const out = fs.openSync(output, 'w');
  const child = spawn(path.join(peer.dir, 'bin', 'mqbroker'), ['-c', file], {
    env: { ...process.env, RMQ_USER_HOME: dir, RMQ_HEAP: '256m', ...env, JAVA_OPT_EXT: withTempDir(dir, env) },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    process: child,
    address: `127.0.0.1:${port}`,
    printed: () => fs.readFileSync(output, 'utf8'),
    exited,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Runs one of the peer's bin/ tools and resolves with what it printed (rejects on a non-zero exit).
 * The peer's own home has a conf/tools.yml with an admin's credentials (rocketmq2): its mqadmin
 * signs every request unless `env` points ROCKETMQ_HOME_OVERRIDE at a home without one.
 */
export function runJavaTool(peer: JavaPeer, home: string, tool: 'mqadmin' | 'java-client', args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const toolHome = path.join(home, 'tools');
    fs.mkdirSync(toolHome, { recursive: true });
    const child = spawn(path.join(peer.dir, 'bin', tool), args, {
      env: { ...process.env, RMQ_USER_HOME: toolHome, ...env, JAVA_OPT_EXT: withTempDir(toolHome, env) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${tool} ${args[0]} exited ${code}: ${out}`))));
  });
}

/**
 * JAVA_OPT_EXT with the JVM's temp folder inside the test's own: a Java server in TLS test mode
 * writes its self-signed certificate there, and a process killed with SIGKILL never removes it.
 */
function withTempDir(dir: string, env: Record<string, string>): string {
  return `-Djava.io.tmpdir=${dir} ${env.JAVA_OPT_EXT ?? ''}`.trim();
}
