import path from 'node:path';
import { controllerStoreFolder, parseEtcdEndpoints, type ControllerConfig } from '../config/controller-config.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerStore } from './controller-store.js';
import { createEtcdStore, type EtcdStoreOptions } from './etcd/index.js';
import { FileControllerStore } from './file-store.js';

export const CONTROLLER_STATE_FILE = 'controller-state.json';

export interface CreateStoreOptions {
  readonly config: ControllerConfig;
  /** Stands for Java's `user.home`: the file store defaults to `~/controller/`. */
  readonly homeDir: string;
  /** `host:port` this controller serves on. */
  readonly selfAddress: string;
  readonly selfId: string;
  readonly logger: Logger;
}

/** What the etcd store needs, from the settings (controllerEtcd*, the group) and this node's peer entry. */
export function etcdStoreOptions(options: CreateStoreOptions): EtcdStoreOptions {
  const { config } = options;
  return {
    endpoints: parseEtcdEndpoints(config.controllerEtcdEndpoints) ?? [],
    prefix: config.controllerEtcdPrefix,
    group: config.controllerDLegerGroup,
    selfAddress: options.selfAddress,
    leaseTtlSeconds: config.controllerEtcdLeaseTtlSeconds,
    logger: options.logger,
  };
}

/** The store `controllerStore` names: `file` (one JSON file) or `etcd` (shared, leased leadership). */
export function createControllerStore(options: CreateStoreOptions): ControllerStore {
  const { config } = options;
  if (config.controllerStore === 'etcd') return createEtcdStore(etcdStoreOptions(options));
  return new FileControllerStore({
    file: path.join(controllerStoreFolder(config, options.homeDir), CONTROLLER_STATE_FILE),
    selfAddress: options.selfAddress,
  });
}
