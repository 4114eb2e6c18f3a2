import type { ControllerStore, Leadership } from '../../src/controller/store/controller-store.js';
import type { ConfigurationInit } from '../../src/namesrv/config/configuration.js';
import { BrokerListener, startTestController, type TestController } from '../controller/controller-harness.js';
import { SimulatedBroker } from '../controller/simulated-broker.js';
import { startNameServer, type RunningNameServer } from './nameserver-harness.js';

const HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * A NameServer whose HTTP side shows a real controller (file store, scans driven by its manual
 * clock), and simulated 5.3.3 brokers in controller mode: broker-a with master 1 and slave 2 both in
 * the sync state set, broker-b with a lone master.
 */
export interface ReplicasScenario {
  ns: RunningNameServer;
  controller: TestController;
  master: SimulatedBroker;
  slave: SimulatedBroker;
  lone: SimulatedBroker;
  /** The console, `http://127.0.0.1:port/`. */
  url: string;
  /**
   * broker-a's master falls silent (hung, its connection open) while the others heartbeat, until
   * just past its timeout. The next heartbeat scan (`controller.service.scanHeartbeats()`) forgets
   * it and elects the slave.
   */
  masterFallsSilent(): Promise<void>;
  stop(): Promise<void>;
}

export async function startReplicasScenario(init: ConfigurationInit = {}): Promise<ReplicasScenario> {
  const ns = await startNameServer(init);
  const cleanups: Array<() => Promise<void>> = [() => ns.stop()];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const controller = await startTestController();
    cleanups.push(() => controller.stop());
    const broker = async (brokerName: string, maxOffset: bigint) => {
      const listener = await BrokerListener.start();
      cleanups.push(() => listener.stop());
      const b = new SimulatedBroker(await controller.connect(), listener, { brokerName, heartbeatTimeoutMillis: HEARTBEAT_TIMEOUT_MS });
      b.maxOffset = maxOffset;
      await b.startUp();
      await b.barrier(); // its first heartbeat has been handled
      return b;
    };
    const master = await broker('broker-a', 2048n);
    const slave = await broker('broker-a', 1024n);
    const lone = await broker('broker-b', 512n);
    const grown = await master.alterSyncStateSet([master.brokerId, slave.brokerId]);
    if (grown.code !== 0) throw new Error(`growing broker-a's sync state set failed: ${grown.remark}`);
    ns.app.attachController(controller);
    return {
      ns,
      controller,
      master,
      slave,
      lone,
      url: `http://127.0.0.1:${ns.httpPort}/`,
      async masterFallsSilent() {
        const others = [slave, lone];
        controller.clock.advance(HEARTBEAT_TIMEOUT_MS / 2);
        for (const b of others) b.heartbeat();
        for (const b of others) await b.barrier();
        controller.clock.advance(HEARTBEAT_TIMEOUT_MS / 2 + 1);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A controller store whose leadership is fixed: another node leads, or no one can be shown to. */
export function storeWhere(leadership: Leadership): ControllerStore {
  return {
    start: async () => undefined,
    close: async () => undefined,
    leadership: () => leadership,
    onLeadershipChange: () => () => undefined,
    readAll: async () => new Map(),
    commit: async () => {
      throw new Error('not the leader');
    },
  };
}
