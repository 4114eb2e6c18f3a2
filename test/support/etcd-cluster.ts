/**
 * Real etcd members for tests: 1 or 3 on free ports of 127.0.0.1, each with its own temp data
 * directory, which a test can kill -9, pause (SIGSTOP), resume and restart. Tests that need etcd
 * skip with `ETCD_MISSING` as their one-line reason when the binary is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Deadline } from '../../src/controller/store/etcd/deadline.js';
import { freePorts } from '../../src/util/free-ports.js';
import { askTls, type TestCertificates } from './etcd-tls.js';
import { tempDir } from './temp-dir.js';

export const ETCD_BINARY = process.env.ETCD_BINARY ?? '/usr/bin/etcd';

/** Why etcd tests cannot run here, or false when they can. */
export const ETCD_MISSING: string | false = fs.existsSync(ETCD_BINARY)
  ? false
  : `etcd is not installed at ${ETCD_BINARY} (Debian's etcd-server; .ci/run installs it)`;

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** Whether the process is alive (paused counts as alive). */
  readonly running: boolean;
  readonly paused: boolean;
  /** kill -9; resolves once the process has exited. */
  kill(): Promise<void>;
  pause(): void;
  resume(): void;
  /**
   * Starts the member again on its ports and data; resolves once it answers as healthy, which takes
   * a quorum: when most members are down, restart them together.
   */
  restart(): Promise<void>;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** Every member's client URL. */
  readonly endpoints: string[];
  /** Resolves once every running member that is not paused reports itself healthy (it sees a leader). */
  healthy(): Promise<void>;
  /** Kills every member and removes their data. */
  stop(): Promise<void>;
}

/** Members still running: killed when the test process exits, however it exits. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `tls`: members serve clients over HTTPS with these certificates and ask them for a client certificate. */
export async function startEtcdCluster(size: 1 | 3, options: { tls?: TestCertificates } = {}): Promise<EtcdCluster> {
  // A port found free can be taken by another process before etcd binds it (tests run in parallel,
  // and outgoing connections draw from the same range): then start over on other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryStartEtcdCluster(size, options.tls ?? null);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof PortTakenError)) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function tryStartEtcdCluster(size: 1 | 3, tls: TestCertificates | null): Promise<EtcdCluster> {
  const root = tempDir('etcd-test-');
  const ports = await freePorts(size * 2);
  const specs = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    clientUrl: `${tls ? 'https' : 'http'}://127.0.0.1:${ports[i * 2]}`,
    peerUrl: `http://127.0.0.1:${ports[i * 2 + 1]}`,
    dataDir: path.join(root, `m${i}`),
  }));
  const initialCluster = specs.map((spec) => `${spec.name}=${spec.peerUrl}`).join(',');
  const members = specs.map((spec) => new Member(spec, initialCluster, tls));
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((member) => member.clientUrl),
    healthy: async () => {
      await Promise.all(members.filter((member) => member.running && !member.paused).map((member) => member.healthy()));
    },
    stop: async () => {
      await Promise.all(members.map((member) => member.kill()));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (const member of members) member.spawn();
    await cluster.healthy();
  } catch (err) {
    await cluster.stop();
    throw /address already in use/.test(String((err as Error).message)) ? new PortTakenError((err as Error).message) : err;
  }
  return cluster;
}

class Member implements EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  private child: ChildProcess | null = null;
  paused = false;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail = '';

  constructor(
    spec: { name: string; clientUrl: string; peerUrl: string; dataDir: string },
    private readonly initialCluster: string,
    private readonly tls: TestCertificates | null,
  ) {
    this.name = spec.name;
    this.clientUrl = spec.clientUrl;
    this.peerUrl = spec.peerUrl;
    this.dataDir = spec.dataDir;
  }

  get running(): boolean {
    return this.child !== null;
  }

  spawn(): void {
    // Flags for a new cluster; on a restart etcd takes the membership from its data directory instead.
    const child = spawn(
      ETCD_BINARY,
      [
        `--name=${this.name}`,
        `--data-dir=${this.dataDir}`,
        `--listen-client-urls=${this.clientUrl}`,
        `--advertise-client-urls=${this.clientUrl}`,
        `--listen-peer-urls=${this.peerUrl}`,
        `--initial-advertise-peer-urls=${this.peerUrl}`,
        `--initial-cluster=${this.initialCluster}`,
        '--initial-cluster-state=new',
        '--initial-cluster-token=controller-test',
        '--logger=zap',
        '--log-level=error',
        ...(this.tls
          ? [`--cert-file=${this.tls.serverCertFile}`, `--key-file=${this.tls.serverKeyFile}`, `--trusted-ca-file=${this.tls.caFile}`, '--client-cert-auth']
          : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    live.add(child);
    this.stderrTail = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', () => {
        live.delete(child);
        if (this.child === child) {
          this.child = null;
          this.paused = false;
        }
        resolve();
      }),
    );
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  pause(): void {
    if (this.child?.kill('SIGSTOP')) this.paused = true;
  }

  resume(): void {
    this.child?.kill('SIGCONT');
    this.paused = false;
  }

  async restart(): Promise<void> {
    await this.kill();
    this.spawn();
    await this.healthy();
  }

  /** Polls `/health` until the member says it is healthy; rejects if the process exits first. */
  async healthy(): Promise<void> {
    let gone = false;
    const exited = this.exited.then(() => {
      gone = true;
    });
    for (;;) {
      if (gone) throw new Error(`etcd member ${this.name} exited: ${this.stderrTail}`);
      if (await this.reportsHealthy()) return;
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
    }
  }

  private async reportsHealthy(): Promise<boolean> {
    if (this.tls) return askTls(`${this.clientUrl}/health`, this.tls).then((answer) => answer.body.health === 'true', () => false);
    const deadline = new Deadline(2000);
    try {
      const response = await deadline.bound(fetch(`${this.clientUrl}/health`, { signal: deadline.signal }));
      const body = (await deadline.bound(response.json())) as { health?: string };
      return body.health === 'true';
    } catch {
      return false;
    } finally {
      deadline.end();
    }
  }
}
