import { parseArgs } from 'node:util';
import { NameServerClient } from '../client/namesrv/name-server-client.js';
import { parseNameServerList } from '../client/namesrv/address-list.js';
import { clientTlsOptions } from '../remoting/tls/index.js';
import type { Credentials } from '../security/signature.js';
import { readToolsCredentials, toolsFilePath } from '../security/tools-file.js';
import { UsageError, type Command, type OptionSpecs, type OptionValues, type Output } from './mqadmin/command.js';
import { clusterList } from './mqadmin/commands/cluster-list.js';
import { addWritePerm, deleteKvConfig, getNamesrvConfig, updateKvConfig, updateNamesrvConfig, wipeWritePerm } from './mqadmin/commands/namesrv.js';
import { nsDiff } from './mqadmin/commands/ns-diff.js';
import {
  cleanBrokerMetadata, electMaster, getControllerConfig, getControllerMetaData, getSyncStateSet, updateControllerConfig,
} from './mqadmin/commands/controller.js';
import { deleteTopic, topicClusterList, topicList, topicRoute, updateOrderConf } from './mqadmin/commands/topic.js';

export const COMMANDS: readonly Command[] = [
  clusterList,
  topicRoute,
  topicList,
  topicClusterList,
  getNamesrvConfig,
  updateNamesrvConfig,
  updateKvConfig,
  deleteKvConfig,
  wipeWritePerm,
  addWritePerm,
  updateOrderConf,
  deleteTopic,
  nsDiff,
  getControllerMetaData,
  getSyncStateSet,
  electMaster,
  cleanBrokerMetadata,
  getControllerConfig,
  updateControllerConfig,
];

const COMMON_OPTIONS: OptionSpecs = {
  namesrvAddr: { type: 'string', short: 'n' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  accessKey: { type: 'string' },
  secretKey: { type: 'string' },
};

export interface MqadminEnvironment {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs one mqadmin command and resolves with its exit code (also set as `process.exitCode`):
 * 0 on success, 1 when the command failed, 2 for a usage mistake.
 */
export async function main(argv: readonly string[], environment: MqadminEnvironment = {}): Promise<number> {
  const io: Output = {
    out: environment.stdout ?? ((text) => process.stdout.write(text)),
    err: environment.stderr ?? ((text) => process.stderr.write(text)),
  };
  const code = await run(argv, io, environment.env ?? process.env);
  process.exitCode = code;
  return code;
}

async function run(argv: readonly string[], io: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
    const command = rest[0] ? findCommand(rest[0]) : undefined;
    io.out(command ? commandUsage(command) : overview());
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`mqadmin: unknown command "${name}"; run "mqadmin help" for the list\n`);
    return 2;
  }
  let client: NameServerClient | null = null;
  try {
    const options = parseOptions(command, rest);
    if (options.help) {
      io.out(commandUsage(command));
      return 0;
    }
    const nameServerText = (typeof options.namesrvAddr === 'string' ? options.namesrvAddr : env.NAMESRV_ADDR ?? '').trim();
    const nameServers = parseNameServerList(nameServerText);
    if (nameServers.length === 0 && command.needsNameServer !== false) throw new UsageError('no NameServer address: give -n host:port[;host:port] or set NAMESRV_ADDR');
    const timeoutMs = options.timeout === undefined ? 5000 : Number(options.timeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout must be a positive number of milliseconds`);
    const tls = await clientTlsOptions({}, env);
    const credentials = chooseCredentials(options, env);
    client = new NameServerClient({ nameServers, timeoutMs, connectTimeoutMs: Math.min(timeoutMs, 3000), tls: tls ?? undefined, credentials });
    return await command.run({ options, nameServers, client, json: options.json === true, io, timeoutMs, credentials });
  } catch (err) {
    const usage = err instanceof UsageError || isParseArgsError(err);
    io.err(`mqadmin ${command.name}: ${oneLine(err)}\n`);
    if (usage) io.err(`run "mqadmin help ${command.name}" for its options\n`);
    return usage ? 2 : 1;
  } finally {
    await client?.close();
  }
}

/** --accessKey/--secretKey, else Java's `$ROCKETMQ_HOME/conf/tools.yml`, else none (unsigned requests). */
function chooseCredentials(options: OptionValues, env: NodeJS.ProcessEnv): Credentials | undefined {
  const { accessKey, secretKey } = options;
  if (accessKey !== undefined || secretKey !== undefined) {
    if (typeof accessKey !== 'string' || typeof secretKey !== 'string' || accessKey.trim() === '' || secretKey.trim() === '') {
      throw new UsageError('--accessKey and --secretKey go together');
    }
    return { accessKey: accessKey.trim(), secretKey: secretKey.trim() };
  }
  const home = env.ROCKETMQ_HOME?.trim();
  return (home ? readToolsCredentials(toolsFilePath(home)) : null) ?? undefined;
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name) ?? COMMANDS.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** Java's two-letter short options (commons-cli takes them), spelled long for parseArgs. */
const JAVA_MULTI_LETTER_OPTIONS: Readonly<Record<string, string>> = { '-bn': '--brokerName' };

function parseOptions(command: Command, args: readonly string[]): OptionValues {
  const { values, positionals } = parseArgs({
    args: args.map((arg) => (Object.hasOwn(command.options, JAVA_MULTI_LETTER_OPTIONS[arg]?.slice(2) ?? '') ? JAVA_MULTI_LETTER_OPTIONS[arg]! : arg)),
    options: { ...COMMON_OPTIONS, ...command.options },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const options = values as OptionValues;
  if (!options.help) {
    for (const required of command.required ?? []) {
      if (options[required] === undefined) throw new UsageError(`missing option ${optionLabel(command, required)}`);
    }
  }
  return options;
}

function isParseArgsError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

/** The first line only: Java remarks end with a FAQ link on a line of their own. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}

function optionLabel(command: Command, name: string): string {
  const spec = { ...COMMON_OPTIONS, ...command.options }[name];
  return spec?.short ? `-${spec.short} (--${name})` : `--${name}`;
}

function overview(): string {
  const lines = COMMANDS.map((c) => `   ${c.name.padEnd(22)}${c.description}`);
  return (
    'usage: mqadmin <command> [-n host:port;host:port] [--json] [options]\n\n' +
    'The most commonly used mqadmin commands are:\n' +
    lines.join('\n') +
    '\n\nSee "mqadmin help <command>" for more information on a specific command.\n'
  );
}

function commandUsage(command: Command): string {
  const all = { ...command.options, ...COMMON_OPTIONS };
  const lines = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short},` : '   '}--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    const required = command.required?.includes(name) ? ' (required)' : '';
    return `  ${flag.padEnd(30)}${OPTION_HELP[name] ?? ''}${required}`;
  });
  return `usage: mqadmin ${command.name} [options]\n${command.description}\n${lines.join('\n')}\n`;
}

const OPTION_HELP: Record<string, string> = {
  namesrvAddr: 'NameServer addresses, host:port;host:port (default: NAMESRV_ADDR)',
  help: 'print this help',
  json: 'print JSON instead of a table',
  timeout: 'timeout of one request in milliseconds (default 5000)',
  accessKey: 'sign requests with this account (default: $ROCKETMQ_HOME/conf/tools.yml)',
  secretKey: 'the secret key of --accessKey',
  clusterName: 'cluster name',
  clusterModel: 'list topics with their cluster',
  topic: 'topic name',
  list: 'print the route as a table',
  key: 'config key',
  value: 'config value',
  namespace: 'KV namespace',
  brokerName: 'broker name',
  controllerAddress: 'controller addresses, host:port;host:port',
  brokerId: 'broker id (controller id) to become master',
  brokerControllerIdsToClean: 'controller ids to clean, 1;2;3',
  cleanLivingBroker: 'also clean brokers that are alive',
  orderConf: 'order conf, brokerName1:num;brokerName2:num',
  method: 'put, get or delete',
  brokerTimeout: 'timeout asking each broker for its stats, ms (default 1000)',
  maxTopics: 'compare routes of at most this many topics (default 200)',
  concurrency: 'requests in flight to one name server at a time (default 8)',
};
