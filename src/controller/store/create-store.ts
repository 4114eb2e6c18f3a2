import path from 'node:path';
import { controllerStoreFolder, type ControllerConfig } from '../config/controller-config.js';
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

/** The store `controllerStore` names: `file` (one JSON file) or `etcd` (shared, leased leadership). */
export function createControllerStore(options: CreateStoreOptions): ControllerStore {
  const { config } = options;
  if (config.controllerStore === 'etcd') {
    throw new Error('controllerStore=etcd: the etcd store is not available in this build');
  }
  return new FileControllerStore({
    file: path.join(controllerStoreFolder(config, options.homeDir), CONTROLLER_STATE_FILE),
    selfAddress: options.selfAddress,
  });
}
