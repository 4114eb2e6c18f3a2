import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  applyControllerProperty, ControllerConfigError, controllerConfigEntries, controllerPropertyName, defaultControllerConfig,
  parseControllerProperty, type ControllerConfig,
} from '../controller/config/controller-config.js';
import { controllerSettings } from '../controller/embedded.js';
import { InvalidPropertyError } from '../namesrv/config/property-value.js';
import { decodePropertiesBytes, formatProperties, parseProperties, PropertiesSyntaxError } from '../util/java-properties.js';
import { createLogger } from '../util/logger.js';
import { exitWhenIdle, StopOnSignals } from './stop-on-signals.js';

export const USAGE = `usage: mqcontroller [-c <file>] [-h] [-p] [--<property>=<value> ...]
 -c,--configFile <file>      Controller config properties file
 -h,--help                   Print help
 -p,--printConfigItem        Print all config items
 --<property>=<value>        Set any controller property, e.g. --controllerDLegerSelfId=n0
`;

class UsageError extends Error {}

interface Loaded {
  config: ControllerConfig;
  printConfig: boolean;
  help: boolean;
  configFile?: string;
  ignored: string[];
}

/** Settings as Java's ControllerStartup takes them: defaults, the `-c` file, then options. */
export function loadControllerCommandLine(argv: readonly string[], homeDir: string, env: NodeJS.ProcessEnv = process.env): Loaded {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: {
      configFile: { type: 'string', short: 'c' },
      printConfigItem: { type: 'boolean', short: 'p' },
      help: { type: 'boolean', short: 'h' },
      namesrvAddr: { type: 'string', short: 'n' },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const help = values.help === true;
  const printConfig = values.printConfigItem === true;
  const properties: Array<[string, string]> = [];
  const ignored: string[] = [];
  const add = (name: string, raw: string, where: string) => {
    if (!controllerPropertyName(name)) {
      ignored.push(name);
      return;
    }
    try {
      parseControllerProperty(name, raw);
    } catch (error) {
      if (error instanceof InvalidPropertyError) throw new UsageError(`${error.message} ${where}`);
      throw error;
    }
    properties.push([name, raw]);
  };
  const configFile = typeof values.configFile === 'string' ? values.configFile : undefined;
  if (configFile !== undefined) {
    let text: string;
    try {
      text = decodePropertiesBytes(fs.readFileSync(configFile));
    } catch (error) {
      throw new UsageError(`cannot read config file ${configFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    let parsed: Map<string, string>;
    try {
      parsed = parseProperties(text);
    } catch (error) {
      if (error instanceof PropertiesSyntaxError) throw new UsageError(`${error.message} in config file ${configFile}`);
      throw error;
    }
    for (const [name, raw] of parsed) add(name, raw, `in config file ${configFile}`);
  }
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument "${token.value}"`);
    if (token.kind !== 'option' || ['configFile', 'printConfigItem', 'help', 'namesrvAddr'].includes(token.name)) continue;
    if (token.value === undefined) throw new UsageError(`option ${token.rawName} needs a value (--${token.name}=<value>)`);
    if (!controllerPropertyName(token.name)) throw new UsageError(`unknown option ${token.rawName}`);
    add(token.name, token.value, `(option --${token.name})`);
  }
  const config = help || printConfig
    ? controllerSettingsUnchecked(homeDir, env.ROCKETMQ_HOME, properties)
    : controllerSettings({ homeDir, rocketmqHome: env.ROCKETMQ_HOME ?? '', properties });
  return { config, help, printConfig, ignored, ...(configFile !== undefined ? { configFile } : {}) };
}

function controllerSettingsUnchecked(homeDir: string, rocketmqHome: string | undefined, properties: Array<[string, string]>): ControllerConfig {
  try {
    return controllerSettings({ homeDir, rocketmqHome: rocketmqHome ?? '', properties });
  } catch (error) {
    if (!(error instanceof ControllerConfigError)) throw error;
    // -p and -h show the settings even when they could not run.
    const config = defaultControllerConfig(homeDir);
    for (const [name, raw] of properties) applyControllerProperty(config, name, raw);
    return config;
  }
}



/** `mqcontroller`: the controller on its own, as Java's ControllerStartup runs it. */
export async function main(argv: string[], earlySignal: NodeJS.Signals | null = null): Promise<void> {
  const signals = new StopOnSignals(earlySignal);
  if (signals.stopRequested) return;
  let loaded: Loaded;
  try {
    loaded = loadControllerCommandLine(argv, os.homedir());
  } catch (error) {
    if (error instanceof UsageError) return fail(`mqcontroller: ${error.message} (mqcontroller -h shows the options)`);
    if (error instanceof ControllerConfigError) return fail(`mqcontroller: ${error.message}`);
    throw error;
  }
  if (loaded.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (loaded.configFile !== undefined) process.stdout.write(`load config properties file OK, ${loaded.configFile}\n`);
  if (loaded.printConfig) {
    process.stdout.write(formatProperties(controllerConfigEntries(loaded.config)));
    return;
  }
  const logger = createLogger({});
  signals.useLogger(logger);
  if (loaded.ignored.length > 0) logger.warn({ properties: loaded.ignored }, 'config file properties that are not controller settings are ignored');
  const { startController } = await import('../controller/controller-server.js');
  const starting = startController({ config: loaded.config, homeDir: os.homedir(), logger });
  signals.manage({ shutdown: () => starting.then((c) => c.stop()) }, starting);
  try {
    const controller = await starting;
    if (signals.stopRequested) return;
    const line = `The Controller Server boot success. serializeType=JSON, address ${controller.selfAddress}`;
    logger.info(line);
    process.stdout.write(`${line}\n`);
  } catch (error) {
    if (signals.stopRequested) return;
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'EADDRINUSE' ? `the port of this controller's entry in controllerDLegerPeers is already in use` : (error as Error).message;
    return fail(`mqcontroller: failed to start: ${message}`);
  }
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  exitWhenIdle(1);
}
