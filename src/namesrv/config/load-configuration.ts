import fs from 'node:fs';
import os from 'node:os';
import { parseCommandLine } from './command-line.js';
import { ConfigError } from './config-error.js';
import { JAVA_ONLY_PROPERTIES } from './java-only-properties.js';
import { controllerPropertyName, parseControllerProperty } from '../../controller/config/controller-config.js';
import { Configuration } from './configuration.js';
import { decodePropertiesBytes, parseProperties, PropertiesSyntaxError } from '../../util/java-properties.js';
import { InvalidPropertyError, resolveProperty } from './property-value.js';
import { findPropertySpec } from './property-specs.js';
import { applyProperty, defaultSettings, type Settings } from './settings.js';

export interface LoadConfigurationOptions {
  argv: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** Stands for Java's `user.home`: kvConfig.json, namesrv.properties and logs default to folders under it. */
  homeDir?: string;
}

export interface LoadedConfiguration {
  configuration: Configuration;
  printConfig: boolean;
  help: boolean;
  /** The `-c` file that was read, if any. */
  configFile?: string;
  /** Properties of that file meant for parts of Java's NameServer this one does not have; skipped. */
  ignored: string[];
  /**
   * Java's ControllerConfig properties (and ours for the controller), from the file then the
   * command line, values already checked: the embedded controller's settings when
   * `enableControllerInNamesrv=true`. Names both configs share (scanNotActiveBrokerInterval) go to both, as in Java.
   */
  controllerProperties: Array<[string, string]>;
}

/**
 * Settings from, lowest first: defaults; ROCKETMQ_HOME (or --rocketmq.home.dir); the `-c` file, after
 * which configStorePath is that file, as in Java; then `--<property>` options.
 * Throws ConfigError with a one-line message.
 */
export function loadConfiguration(options: LoadConfigurationOptions): LoadedConfiguration {
  const env = options.env ?? process.env;
  const homeDir = options.homeDir ?? os.homedir();
  const commandLine = parseCommandLine(options.argv);
  const settings = defaultSettings(homeDir);
  const { help, printConfig } = commandLine;
  if (help) return { configuration: toConfiguration(homeDir, settings), help, printConfig, ignored: [], controllerProperties: [] };

  settings.namesrv.rocketmqHome = (commandLine.rocketmqHomeProperty ?? env.ROCKETMQ_HOME ?? '').trim();

  const file = commandLine.configFile;
  const ignored: string[] = [];
  const controllerProperties: Array<[string, string]> = [];
  const take = (name: string, raw: string, describe: (message: string) => string) => {
    const forController = controllerPropertyName(name) !== undefined;
    if (forController) {
      check(() => parseControllerProperty(name, raw), describe);
      controllerProperties.push([name, raw]);
    }
    if (!forController || findPropertySpec(name)) apply(settings, name, raw, describe);
  };
  if (file !== undefined) {
    for (const [name, raw] of readPropertiesFile(file)) {
      if (JAVA_ONLY_PROPERTIES.has(name)) {
        ignored.push(name);
        continue;
      }
      take(name, raw, (message) => `${message} in config file ${file}`);
    }
    settings.namesrv.configStorePath = file;
  }
  for (const [name, raw] of commandLine.properties) {
    take(name, raw, (message) => `${message} (option --${name})`);
  }

  const loaded: LoadedConfiguration = { configuration: toConfiguration(homeDir, settings), help, printConfig, ignored, controllerProperties };
  if (file !== undefined) loaded.configFile = file;
  return loaded;
}

function toConfiguration(homeDir: string, settings: Settings): Configuration {
  const { namesrv, netty, tls, extras, security, http } = settings;
  // Left at its default, aclFile follows rocketmqHome wherever that was set.
  const { aclFile, ...rest } = security;
  const explicit = aclFile !== defaultSettings(homeDir).security.aclFile;
  return new Configuration({ homeDir, namesrv, netty, tls, http, security: explicit ? security : rest, ...extras });
}

function apply(settings: Settings, name: string, raw: string, describe: (message: string) => string): void {
  check(() => applyProperty(settings, resolveProperty(name, raw)), describe);
}

function check(action: () => unknown, describe: (message: string) => string): void {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidPropertyError) throw new ConfigError(describe(error.message));
    throw error;
  }
}

function readPropertiesFile(file: string): Map<string, string> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`config file not found: ${file}`);
    if (code === 'EISDIR') throw new ConfigError(`config file is a directory: ${file}`);
    throw new ConfigError(`cannot read config file ${file}: ${code ?? (error as Error).message}`);
  }
  try {
    return parseProperties(decodePropertiesBytes(bytes));
  } catch (error) {
    if (error instanceof PropertiesSyntaxError) throw new ConfigError(`${error.message} in config file ${file}`);
    throw error;
  }
}
