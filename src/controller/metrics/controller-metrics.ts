import { Registry } from 'prom-client';
import { readAtScrape } from '../../metrics/read-at-scrape.js';
import type { ControllerService } from '../service/controller-service.js';

const PREFIX = 'rocketmq_controller_';

/** Why an election ran: asked by a broker, designated by an administrator, or started by the controller. */
export type ElectionTrigger = 'broker' | 'admin' | 'controller';
/** How it ended. */
export type ElectionResult = 'elected' | 'master_still_exist' | 'no_candidate' | 'refused';

export const ELECTION_TRIGGERS: readonly ElectionTrigger[] = ['broker', 'admin', 'controller'];
export const ELECTION_RESULTS: readonly ElectionResult[] = ['elected', 'master_still_exist', 'no_candidate', 'refused'];

/** Plain counts the service keeps; read only when metrics are scraped. */
export class ControllerCounters {
  readonly elections = new Map<string, number>();
  heartbeats = 0;
  /** Times this node became leader, and stopped being leader. */
  becameLeader = 0;
  lostLeadership = 0;
  roleChangeNotices = 0;

  election(trigger: ElectionTrigger, result: ElectionResult): void {
    const key = `${trigger}/${result}`;
    this.elections.set(key, (this.elections.get(key) ?? 0) + 1);
  }
}

/**
 * The controller's Prometheus metrics, in a registry of their own or added to the given one (the
 * NameServer's, so that its /metrics shows them). Labels come from fixed sets only: never a broker
 * name or an address.
 */
export function controllerRegistry(service: ControllerService, registry: Registry = new Registry()): Registry {
  const counters = service.counters;
  const { counter, gauge } = readAtScrape(registry, PREFIX);
  counter('elections_total', 'Master elections decided, by what triggered them and how they ended.', ['trigger', 'result'], (inc) => {
    for (const trigger of ELECTION_TRIGGERS) for (const result of ELECTION_RESULTS) inc({ trigger, result }, counters.elections.get(`${trigger}/${result}`) ?? 0);
  });
  counter('heartbeats_total', 'Broker heartbeats received.', [], (inc) => inc({}, counters.heartbeats));
  counter('role_changes_total', "Changes of this controller's own role: became leader, or stopped leading.", ['change'], (inc) => {
    inc({ change: 'became_leader' }, counters.becameLeader);
    inc({ change: 'lost_leadership' }, counters.lostLeadership);
  });
  counter('role_change_notices_total', 'NOTIFY_BROKER_ROLE_CHANGED requests sent to brokers.', [], (inc) => inc({}, counters.roleChangeNotices));
  gauge('leader', '1 while this controller leads and has read the durable state, else 0.', () => (service.isLeading ? 1 : 0));
  gauge('broker_sets', "Broker sets in the controller state (as of this node's last read when it is not leader).", () => service.replicas.size);
  gauge('alive_brokers', 'Brokers whose heartbeats are within their timeout.', () => service.heartbeats.snapshot().filter((b) => b.alive).length);
  gauge('broker_sets_without_master', 'Broker sets that have no master.', () => {
    let n = 0;
    for (const set of service.replicas.all()) if (set.masterBrokerId === null) n++;
    return n;
  });
  return registry;
}
