import fs from 'node:fs';
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
    ...(config.controllerEtcdCaFile || config.controllerEtcdCertFile || config.controllerEtcdKeyFile
      ? {
          tls: {
            ...(config.controllerEtcdCaFile ? { ca: readPem(config.controllerEtcdCaFile, 'controllerEtcdCaFile') } : {}),
            ...(config.controllerEtcdCertFile ? { cert: readPem(config.controllerEtcdCertFile, 'controllerEtcdCertFile') } : {}),
            ...(config.controllerEtcdKeyFile ? { key: readPem(config.controllerEtcdKeyFile, 'controllerEtcdKeyFile') } : {}),
          },
        }
      : {}),
    ...(config.controllerEtcdUser ? { auth: { user: config.controllerEtcdUser, password: config.controllerEtcdPassword } } : {}),
  };
}

/** A PEM file a setting names; a missing or unreadable one stops start-up with the setting's name. */
function readPem(file: string, setting: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${setting}: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The store `controllerStore` names: `file` (one JSON file) or `etcd` (shared, leased leadership). */
export function createControllerStore(options: CreateStoreOptions): ControllerStore {
  const { config } = options;
  if (config.controllerStore === 'etcd') return createEtcdStore(etcdStoreOptions(options));
  return new FileControllerStore({
    file: path.join(controllerStoreFolder(config, options.homeDir), CONTROLLER_STATE_FILE),
    selfAddress: options.selfAddress,
    logger: options.logger,
  });
}
