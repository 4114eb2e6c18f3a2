import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import { NotLeaderError, StoreUnavailableError, type ControllerStore, type Leadership, type RecordChange } from '../../../../src/controller/store/controller-store.js';
import { createEtcdStore, type EtcdStoreOptions, type Timers } from '../../../../src/controller/store/etcd/index.js';
import { silentLogger } from '../../../../src/util/logger.js';
import { startEtcdCluster, type EtcdCluster } from '../../../support/etcd-cluster.js';
import { isLeader, leadershipOf, startStoreProcess, type LeadershipLog, type StoreProcess } from '../../../support/etcd-store-process.js';

export const TTL_SECONDS = 2;
export const GROUP = 'DefaultControllerGroup';

/** What every fault test starts: etcd members, stores in this process or in a child, all stopped after each test. Call inside a describe. */
export function faultKit() {
  const cleanups: (() => Promise<void>)[] = [];
  // Every cleanup runs, whatever the test did or another cleanup threw: no member or child outlives its test.
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  });

  async function cluster(size: 1 | 3): Promise<EtcdCluster> {
    const started = await startEtcdCluster(size);
    cleanups.push(() => started.stop());
    return started;
  }

  function options(etcd: EtcdCluster, selfAddress: string): EtcdStoreOptions {
    return { endpoints: etcd.endpoints, group: GROUP, selfAddress, leaseTtlSeconds: TTL_SECONDS, logger: silentLogger() };
  }

  async function inProcess(opts: EtcdStoreOptions): Promise<{ store: ControllerStore; leadership: LeadershipLog }> {
    const store = createEtcdStore(opts);
    const leadership = leadershipOf(store);
    cleanups.push(() => store.close());
    await store.start();
    return { store, leadership };
  }

  async function child(opts: EtcdStoreOptions): Promise<StoreProcess> {
    const { logger: _logger, ...serializable } = opts;
    const started = await startStoreProcess(serializable);
    cleanups.push(async () => {
      started.child.kill('SIGKILL');
      await started.exited;
    });
    return started;
  }

  return { cluster, options, inProcess, child };
}

export function isUnavailable(view: Leadership): boolean {
  return view.role === 'unavailable';
}

/** The first of these to lead, and its address as it announced it. */
export function firstToLead<T extends { leadership: LeadershipLog }>(candidates: T[]): Promise<{ one: T; address: string }> {
  return Promise.race(candidates.map((one) => one.leadership.until(isLeader).then((view) => ({ one, address: (view as { leaderAddress: string }).leaderAddress }))));
}

/** Real timers that count how many callbacks have run: the store's retries, observable. */
export function countingTimers(ticks: { count: number }): Timers {
  return {
    setTimeout(callback, ms) {
      return setTimeout(() => {
        ticks.count++;
        callback();
      }, ms);
    },
    clearTimeout(handle) {
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

/**
 * Commits on whichever controller leads. A commit refused because leadership moved, or whose
 * outcome etcd could not confirm (a member died under it), is retried once etcd is healthy and a
 * leader is known, as the controller does after reading again: these changes are idempotent.
 */
export async function commitOnLeader(etcd: EtcdCluster, stores: { store: ControllerStore; leadership: LeadershipLog }[], changes: RecordChange[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { one: leader } = await firstToLead(stores);
    try {
      await leader.store.commit(changes);
      return;
    } catch (err) {
      if (attempt >= 5 || !(err instanceof StoreUnavailableError || err instanceof NotLeaderError)) throw err;
      await etcd.healthy();
    }
  }
}

/** Which member currently leads etcd's own raft group. */
export async function raftLeaderIndex(etcd: EtcdCluster): Promise<number> {
  const statuses = await Promise.all(
    etcd.endpoints.map(async (endpoint) => (await (await fetch(`${endpoint}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json()) as { header: { member_id: string }; leader: string }),
  );
  const index = statuses.findIndex((status) => status.header.member_id === status.leader);
  assert.ok(index >= 0, 'etcd has a leader');
  return index;
}

