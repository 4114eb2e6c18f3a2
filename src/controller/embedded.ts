import { applyControllerProperty, defaultControllerConfig, resolveTopology, type ControllerConfig } from './config/controller-config.js';
import { startController, type RunningController } from './controller-server.js';
import type { Logger } from '../util/logger.js';

export interface ControllerSettingsInit {
  /** Stands for Java's `user.home`. */
  readonly homeDir: string;
  readonly rocketmqHome?: string;
  /** ControllerConfig properties as loaded (file, then command line); values already checked. */
  readonly properties: ReadonlyArray<readonly [string, string]>;
}

/** The controller's settings: Java's defaults, then the given properties. Throws ControllerConfigError when it cannot run. */
export function controllerSettings(init: ControllerSettingsInit): ControllerConfig {
  const config = defaultControllerConfig(init.homeDir);
  if (init.rocketmqHome) config.rocketmqHome = init.rocketmqHome;
  for (const [name, raw] of init.properties) applyControllerProperty(config, name, raw);
  resolveTopology(config);
  return config;
}

/**
 * The controller embedded in the NameServer (`enableControllerInNamesrv=true`): the NameServer's
 * `-c` file carries its properties; it listens at this node's controllerDLegerPeers entry.
 */
export function startEmbeddedController(config: ControllerConfig, homeDir: string, logger: Logger): Promise<RunningController> {
  return startController({ config, homeDir, logger: logger.child({ component: 'controller' }) });
}
