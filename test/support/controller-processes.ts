/**
 * Controllers as child processes (bin/mqcontroller.js) sharing one etcd, for faults a process can
 * only suffer from outside: SIGKILL, SIGSTOP. Each node keeps its peer port and home across
 * restarts, as a controller host does.
 */
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { spawnBin, type SpawnedBin } from '../cli/spawn-bin.js';
import { freePort } from '../controller/controller-harness.js';
import { controllerRequest } from './controller-broker.js';
import { tempDir } from './nameserver-harness.js';
import { until } from './until.js';

export class ControllerNode {
  process: SpawnedBin | null = null;

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly home: string,
    private readonly args: string[],
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== null && this.process.child.exitCode === null && this.process.child.signalCode === null;
  }

  async start(): Promise<void> {
    this.process = spawnBin('mqcontroller.js', this.home, this.args);
    await this.process.waitFor(/The Controller Server boot success\./);
  }

  /** Sends `signal`; for a fatal one, resolves once the process is gone. */
  async signal(signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const child = this.process?.child;
    if (!child || !this.running) return;
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await this.process!.exited;
  }

  /** One request on a fresh connection (closed afterwards). */
  async ask(request: RemotingCommand): Promise<RemotingCommand> {
    const connection = await ClientConnection.connect({ host: '127.0.0.1', port: this.port });
    try {
      return await connection.invoke(request, 60_000);
    } finally {
      connection.close();
    }
  }

  /** This node's own answer to CONTROLLER_GET_METADATA_INFO: does it say it leads? */
  async saysItLeads(): Promise<boolean> {
    if (!this.running) return false;
    try {
      return (await this.ask(controllerRequest(Req.CONTROLLER_GET_METADATA_INFO))).extFields?.isLeader === 'true';
    } catch {
      return false;
    }
  }

  /**
   * Says it leads and has read the durable state: a new leader answers CONTROLLER_NOT_LEADER
   * ("reading the durable state") until it has.
   */
  async serves(): Promise<boolean> {
    if (!(await this.saysItLeads())) return false;
    try {
      return (await this.ask(controllerRequest(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'probe', brokerName: 'probe' }))).code === Code.SUCCESS;
    } catch {
      return false;
    }
  }

  connect(): Promise<ClientConnection> {
    return ClientConnection.connect({ host: '127.0.0.1', port: this.port });
  }
}

export interface ControllerGroup {
  readonly nodes: ControllerNode[];
  /** Polls every running node until one (other than `except`) says it leads and serves; returns it. */
  leader(except?: ControllerNode): Promise<ControllerNode>;
  stop(): Promise<void>;
}

/** `size` controllers on etcd `endpoints`, all started. `extra` are further mqcontroller options. */
export async function startControllerGroup(size: number, endpoints: string[], extra: string[] = []): Promise<ControllerGroup> {
  const ports: number[] = [];
  for (let i = 0; i < size; i++) ports.push(await freePort());
  const peers = ports.map((port, i) => `n${i}-127.0.0.1:${port}`).join(';');
  const nodes = ports.map(
    (port, i) =>
      new ControllerNode(`n${i}`, port, tempDir('controller-process-'), [
        '--controllerDLegerGroup=faults', `--controllerDLegerPeers=${peers}`, `--controllerDLegerSelfId=n${i}`,
        '--controllerStore=etcd', `--controllerEtcdEndpoints=${endpoints.join(',')}`, ...extra,
      ]),
  );
  await Promise.all(nodes.map((n) => n.start()));
  return {
    nodes,
    async leader(except) {
      let found: ControllerNode | undefined;
      await until(async () => {
        for (const node of nodes) {
          if (node !== except && (await node.serves())) {
            found = node;
            return true;
          }
        }
        return false;
      });
      return found!;
    },
    async stop() {
      for (const node of nodes) {
        await node.signal('SIGCONT');
        await node.signal('SIGKILL');
      }
    },
  };
}
