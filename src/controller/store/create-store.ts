import path from 'node:path';
import { controllerStoreFolder, parseEtcdEndpoints, type ControllerConfig } from '../config/controller-config.js';
import type { ControllerStore } from './controller-store.js';
import { FileControllerStore } from './file-store.js';

export const CONTROLLER_STATE_FILE = 'controller-state.json';

export interface CreateStoreOptions {
  readonly config: ControllerConfig;
  /** Stands for Java's `user.home`: the file store defaults to `~/controller/`. */
  readonly homeDir: string;
  /** `host:port` this controller serves on. */
  readonly selfAddress: string;
  readonly selfId: string;
}

/** What the etcd store needs, from the settings (controllerEtcd*) and this node's peer entry. */
export interface EtcdStoreSettings {
  readonly endpoints: string[];
  readonly prefix: string;
  readonly leaseTtlSeconds: number;
  readonly selfId: string;
  readonly selfAddress: string;
}

export function etcdStoreSettings(options: CreateStoreOptions): EtcdStoreSettings {
  const { config } = options;
  return {
    endpoints: parseEtcdEndpoints(config.controllerEtcdEndpoints) ?? [],
    prefix: config.controllerEtcdPrefix,
    leaseTtlSeconds: config.controllerEtcdLeaseTtlSeconds,
    selfId: options.selfId,
    selfAddress: options.selfAddress,
  };
}

/** The store `controllerStore` names: `file` (one JSON file) or `etcd` (shared, leased leadership). */
export function createControllerStore(options: CreateStoreOptions): ControllerStore {
  const { config } = options;
  if (config.controllerStore === 'etcd') {
    // Wired to createEtcdStore(etcdStoreOptions(options)) from ./etcd/index.js where that store is built in.
    throw new Error('controllerStore=etcd: etcd store not available in this build');
  }
  return new FileControllerStore({
    file: path.join(controllerStoreFolder(config, options.homeDir), CONTROLLER_STATE_FILE),
    selfAddress: options.selfAddress,
  });
}
