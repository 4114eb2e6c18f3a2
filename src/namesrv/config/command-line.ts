import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';
import { findPropertySpec, isTlsProperty, PROPERTY_SPECS } from './property-specs.js';
import { FRAME_MAX_LENGTH_PROPERTY } from './server-extras-config.js';
import { CONTROLLER_PROPERTY_NAMES, controllerPropertyName } from '../../controller/config/controller-config.js';

/** Java's `-Drocketmq.home.dir`, taken here as `--rocketmq.home.dir`. */
export const ROCKETMQ_HOME_PROPERTY = 'rocketmq.home.dir';

export interface CommandLine {
  configFile?: string;
  printConfig: boolean;
  help: boolean;
  rocketmqHomeProperty?: string;
  /** `--<property>` options in the order given. */
  properties: Array<[string, string]>;
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string };

const FIXED_OPTIONS: Record<string, OptionSpec> = {
  configFile: { type: 'string', short: 'c' },
  printConfigItem: { type: 'boolean', short: 'p' },
  help: { type: 'boolean', short: 'h' },
  // Accepted and ignored, as Java's ServerUtil declares it for every server.
  namesrvAddr: { type: 'string', short: 'n' },
  [ROCKETMQ_HOME_PROPERTY]: { type: 'string' },
};

function optionSpecs(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = { ...FIXED_OPTIONS };
  for (const name of [...PROPERTY_SPECS.keys(), FRAME_MAX_LENGTH_PROPERTY, ...CONTROLLER_PROPERTY_NAMES]) options[name] = { type: 'string' };
  return options;
}

export const USAGE = `usage: mqnamesrv [-c <file>] [-h] [-n <arg>] [-p] [--<property>=<value> ...]
 -c,--configFile <file>      Name server config properties file
 -h,--help                   Print help
 -n,--namesrvAddr <arg>      Accepted for compatibility and ignored
 -p,--printConfigItem        Print all config items
 --<property>=<value>        Set any config property, e.g. --listenPort=9876 (also --<property> <value>)
 --rocketmq.home.dir=<dir>   Same as the ROCKETMQ_HOME environment variable
`;

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const options = optionSpecs();
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const result: CommandLine = { printConfig: false, help: false, properties: [] };
  const consumed = new Set<number>();

  for (const [i, token] of tokens.entries()) {
    if (token.kind !== 'option') {
      if (token.kind === 'positional' && !consumed.has(token.index)) {
        throw new ConfigError(`unexpected argument "${token.value}"`, true);
      }
      continue;
    }
    const { name, rawName } = token;
    const known = options[name];
    if (!known && !isTlsProperty(name)) throw new ConfigError(`unknown option ${rawName}`, true);
    if (known?.type === 'boolean') {
      if (name === 'help') result.help = true;
      else result.printConfig = true;
      continue;
    }
    let value = token.value;
    if (value === undefined) {
      // An unknown (tls.*) option does not take the next argument by itself.
      const next = tokens[i + 1];
      if (next?.kind === 'positional' && next.index === token.index + 1) {
        value = next.value;
        consumed.add(next.index);
      }
    }
    if (value === undefined) throw new ConfigError(`option ${rawName} needs a value`, true);

    if (name === 'configFile') result.configFile = value;
    else if (name === 'namesrvAddr') continue;
    else if (name === ROCKETMQ_HOME_PROPERTY) result.rocketmqHomeProperty = value;
    else if (findPropertySpec(name) || isTlsProperty(name) || controllerPropertyName(name)) result.properties.push([name, value]);
  }
  return result;
}
