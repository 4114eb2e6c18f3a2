import { stringOption, type Command, type CommandContext } from '../command.js';
import { configsByServer, json } from '../format.js';

/** Java prints a `List` as `[a, b]`. */
function javaList(values: readonly string[]): string {
  return `[${values.join(', ')}]`;
}

export const getNamesrvConfig: Command = {
  name: 'getNamesrvConfig',
  description: 'Get configs of name server.',
  options: {},
  async run(ctx) {
    const configs = await ctx.client.getNamesrvConfig();
    if (ctx.json) {
      ctx.io.out(json(configs));
      return 0;
    }
    ctx.io.out(configsByServer(configs));
    return 0;
  },
};

export const updateNamesrvConfig: Command = {
  name: 'updateNamesrvConfig',
  description: 'Update configs of name server.',
  options: { key: { type: 'string', short: 'k' }, value: { type: 'string', short: 'v' } },
  required: ['key', 'value'],
  async run(ctx) {
    const key = stringOption(ctx, 'key');
    const value = stringOption(ctx, 'value');
    await ctx.client.updateNamesrvConfig({ [key]: value });
    ctx.io.out(ctx.json ? json({ nameServers: ctx.nameServers, key, value }) : `update name server config success!${javaList(ctx.nameServers)}\n${key} : ${value}\n`);
    return 0;
  },
};

export const updateKvConfig: Command = {
  name: 'updateKvConfig',
  description: 'Create or update KV config.',
  options: { namespace: { type: 'string', short: 's' }, key: { type: 'string', short: 'k' }, value: { type: 'string', short: 'v' } },
  required: ['namespace', 'key', 'value'],
  async run(ctx) {
    const [namespace, key, value] = [stringOption(ctx, 'namespace'), stringOption(ctx, 'key'), stringOption(ctx, 'value')];
    await ctx.client.putKvConfig(namespace, key, value);
    ctx.io.out(ctx.json ? json({ namespace, key, value }) : 'create or update kv config to namespace success.\n');
    return 0;
  },
};

export const deleteKvConfig: Command = {
  name: 'deleteKvConfig',
  description: 'Delete KV config.',
  options: { namespace: { type: 'string', short: 's' }, key: { type: 'string', short: 'k' } },
  required: ['namespace', 'key'],
  async run(ctx) {
    const [namespace, key] = [stringOption(ctx, 'namespace'), stringOption(ctx, 'key')];
    await ctx.client.deleteKvConfig(namespace, key);
    ctx.io.out(ctx.json ? json({ namespace, key, deleted: true }) : 'delete kv config from namespace success.\n');
    return 0;
  },
};

type PermChange = 'wipe' | 'add';

/** Sends the change to each NameServer in turn and reports each, as Java's tool does; fails if any failed. */
async function changeWritePerm(ctx: CommandContext, change: PermChange): Promise<number> {
  const brokerName = stringOption(ctx, 'brokerName');
  const results: { nameServer: string; ok: boolean; topicCount?: number; error?: string }[] = [];
  for (const nameServer of ctx.nameServers) {
    try {
      const options = { address: nameServer };
      const topicCount =
        change === 'wipe' ? await ctx.client.wipeWritePermOfBroker(brokerName, options) : await ctx.client.addWritePermOfBroker(brokerName, options);
      results.push({ nameServer, ok: true, topicCount });
    } catch (err) {
      results.push({ nameServer, ok: false, error: (err as Error).message.split('\n')[0] });
    }
  }
  if (ctx.json) {
    ctx.io.out(json({ brokerName, results }));
  } else {
    for (const r of results) {
      const what = `${change} write perm of broker[${brokerName}] in name server[${r.nameServer}]`;
      ctx.io.out(r.ok ? `${what} OK, ${r.topicCount}\n` : `${what} Failed\n`);
    }
  }
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    ctx.io.err(`mqadmin: ${change}WritePerm failed on ${failed.map((r) => `${r.nameServer} (${r.error})`).join(', ')}\n`);
    return 1;
  }
  return 0;
}

export const wipeWritePerm: Command = {
  name: 'wipeWritePerm',
  description: 'Wipe write perm of broker in all name server you defined in the -n param.',
  options: { brokerName: { type: 'string', short: 'b' } },
  required: ['brokerName'],
  run: (ctx) => changeWritePerm(ctx, 'wipe'),
};

export const addWritePerm: Command = {
  name: 'addWritePerm',
  description: 'Add write perm of broker in all name server you defined in the -n param.',
  options: { brokerName: { type: 'string', short: 'b' } },
  required: ['brokerName'],
  run: (ctx) => changeWritePerm(ctx, 'add'),
};
