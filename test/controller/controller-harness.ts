import { defaultControllerConfig, type ControllerConfig } from '../../src/controller/config/controller-config.js';
import { startController, type RunningController, type StartControllerOptions } from '../../src/controller/controller-server.js';
import { ControllerRequestCode as Req } from '../../src/protocol/controller-codes.js';
import { SERVER_VERSION } from '../../src/protocol/mq-version.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { createRequest, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../src/remoting/remoting-server.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { tempDir } from '../support/nameserver-harness.js';

export interface TestController extends RunningController {
  clock: ManualClock;
  home: string;
  config: ControllerConfig;
  port: number;
  connect(): Promise<ClientConnection>;
}

/** A single controller with a file store in a fresh home, on a free port, scans driven by the test's clock. */
export async function startTestController(
  overrides: Partial<ControllerConfig> = {},
  options: Partial<StartControllerOptions> & { home?: string; clock?: ManualClock } = {},
): Promise<TestController> {
  const home = options.home ?? tempDir('controller-test-');
  const clock = options.clock ?? new ManualClock(1_800_000_000_000);
  const config: ControllerConfig = {
    ...defaultControllerConfig(home),
    controllerDLegerGroup: 'group1',
    controllerDLegerPeers: 'n0-127.0.0.1:9878',
    controllerDLegerSelfId: 'n0',
    ...overrides,
  };
  const connections: ClientConnection[] = [];
  const running = await startController({
    config, homeDir: home, logger: silentLogger(), clock, listenPort: 0, bindAddress: '127.0.0.1', timers: false, ...options,
  });
  return {
    ...running,
    clock,
    home,
    config,
    port: running.address.port,
    connect: async () => {
      const c = await ClientConnection.connect({ host: '127.0.0.1', port: running.address.port });
      connections.push(c);
      return c;
    },
    stop: async () => {
      for (const c of connections) c.close();
      await running.stop();
    },
  };
}

export function request(code: number, extFields: Record<string, string | number | boolean> = {}, body: Buffer | string | null = null): RemotingCommand {
  const ext: ExtFields = {};
  for (const [k, v] of Object.entries(extFields)) ext[k] = String(v);
  return createRequest({ code, extFields: ext, body, version: SERVER_VERSION });
}

/** A broker's own listening socket: records what the controller sends it (NOTIFY_BROKER_ROLE_CHANGED). */
export class BrokerListener {
  readonly received: RemotingCommand[] = [];
  private constructor(private readonly server: RemotingServer, readonly address: string) {}

  static async start(): Promise<BrokerListener> {
    let listener: BrokerListener | null = null;
    const server = new RemotingServer({
      port: 0, host: '127.0.0.1', logger: silentLogger(), serverVersion: SERVER_VERSION,
      handler: (cmd) => {
        listener?.received.push(cmd);
        return null;
      },
    });
    const address = await server.listen();
    listener = new BrokerListener(server, `127.0.0.1:${address.port}`);
    return listener;
  }

  stop(): Promise<void> {
    return this.server.close();
  }
}

export { Req };

export { freePort } from '../../src/util/free-ports.js';
