import { decodeBrokerReplicasInfo, decodeElectMasterBody, encodeBrokerNameList, type ReplicaIdentity } from '../../../protocol/bodies/controller-bodies.js';
import { ControllerRequestCode as Req } from '../../../protocol/controller-codes.js';
import { formatProperties, parseProperties } from '../../../util/java-properties.js';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.js';
import { ControllerClient } from '../controller-client.js';
import { configsByServer, json } from '../format.js';

/** Controller commands reach controllers (`-a`), not NameServers; `-n` is needed only to list a cluster's brokers. */
async function withController<T>(ctx: CommandContext, work: (client: ControllerClient, addresses: string[]) => Promise<T>): Promise<T> {
  const addresses = ControllerClient.addresses(ctx.options.controllerAddress);
  const client = new ControllerClient({ timeoutMs: ctx.timeoutMs, ...(ctx.credentials ? { credentials: ctx.credentials } : {}) });
  try {
    return await work(client, addresses);
  } finally {
    client.close();
  }
}

const CONTROLLER_ADDRESS = { controllerAddress: { type: 'string', short: 'a' } } as const;

export const getControllerMetaData: Command = {
  name: 'getControllerMetaData',
  description: "Get controller cluster's metadata.",
  options: { ...CONTROLLER_ADDRESS },
  required: ['controllerAddress'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, [address]) => {
      const meta = await client.metadata(address!);
      if (ctx.json) {
        ctx.io.out(json({ ...meta, isLeader: meta.isLeader === 'true', peers: (meta.peers ?? '').split(';').filter(Boolean) }));
        return 0;
      }
      let text = `\n#ControllerGroup\t${meta.group ?? 'null'}\n#ControllerLeaderId\t${meta.controllerLeaderId ?? 'null'}\n#ControllerLeaderAddress\t${meta.controllerLeaderAddress ?? 'null'}`;
      for (const peer of (meta.peers ?? '').split(';').filter(Boolean)) text += `\n#Peer:\t${peer}`;
      ctx.io.out(text + '\n');
      return 0;
    }),
};

function replicaText(r: ReplicaIdentity): string {
  return `ReplicaIdentity{brokerName='${r.brokerName}', brokerId=${r.brokerId}, brokerAddress='${r.brokerAddress}', alive=${r.alive}}`;
}

export const getSyncStateSet: Command = {
  name: 'getSyncStateSet',
  description: 'Fetch syncStateSet for target brokers.',
  options: { ...CONTROLLER_ADDRESS, clusterName: { type: 'string', short: 'c' }, brokerName: { type: 'string', short: 'b' } },
  required: ['controllerAddress'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, [address]) => {
      let brokerNames: string[];
      if (typeof ctx.options.brokerName === 'string') brokerNames = [stringOption(ctx, 'brokerName')];
      else if (typeof ctx.options.clusterName === 'string') {
        if (ctx.nameServers.length === 0) throw new UsageError('listing the brokers of a cluster needs -n host:port (or NAMESRV_ADDR)');
        const info = await ctx.client.getClusterInfo();
        brokerNames = [...(info.clusterAddrTable.get(stringOption(ctx, 'clusterName')) ?? [])];
      } else throw new UsageError('give -b (--brokerName) or -c (--clusterName)');
      const leader = await client.leaderOf(address!);
      const table = decodeBrokerReplicasInfo((await client.expect(leader, Req.CONTROLLER_GET_SYNC_STATE_DATA, {}, encodeBrokerNameList(brokerNames))).body ?? Buffer.from('{}'));
      if (ctx.json) {
        ctx.io.out(json(Object.fromEntries(table)));
        return 0;
      }
      let text = '';
      for (const [name, info] of table) {
        text += `\n#brokerName\t${name}\n#MasterBrokerId\t${info.masterBrokerId ?? 'null'}\n#MasterAddr\t${info.masterAddress ?? 'null'}\n#MasterEpoch\t${info.masterEpoch}\n#SyncStateSetEpoch\t${info.syncStateSetEpoch}\n#SyncStateSetNums\t${info.inSyncReplicas.length}\n`;
        for (const r of info.inSyncReplicas) text += `\nInSyncReplica:\t${replicaText(r)}\n`;
        for (const r of info.notInSyncReplicas) text += `\nNotInSyncReplica:\t${replicaText(r)}\n`;
      }
      ctx.io.out(text);
      return 0;
    }),
};

export const electMaster: Command = {
  name: 'electMaster',
  description: 'Re-elect the specified broker as master.',
  options: { ...CONTROLLER_ADDRESS, brokerId: { type: 'string', short: 'b' }, brokerName: { type: 'string' }, clusterName: { type: 'string', short: 'c' } },
  required: ['controllerAddress', 'brokerId', 'brokerName', 'clusterName'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, [address]) => {
      const [clusterName, brokerName] = [stringOption(ctx, 'clusterName'), stringOption(ctx, 'brokerName')];
      const idText = stringOption(ctx, 'brokerId');
      if (!/^\d+$/.test(idText)) throw new UsageError(`--brokerId must be a broker id, found "${idText}"`);
      const leader = await client.leaderOf(address!);
      const response = await client.expect(leader, Req.CONTROLLER_ELECT_MASTER, { clusterName, brokerName, brokerId: idText, designateElect: true, invokeTime: Date.now() });
      const h = response.extFields ?? {};
      const members = response.body ? decodeElectMasterBody(response.body).brokerMemberGroup?.brokerAddrs : undefined;
      if (ctx.json) {
        ctx.io.out(json({ clusterName, brokerName, masterBrokerId: Number(h.masterBrokerId), masterAddress: h.masterAddress, masterEpoch: Number(h.masterEpoch), syncStateSetEpoch: Number(h.syncStateSetEpoch), brokers: Object.fromEntries(members ?? []) }));
        return 0;
      }
      let text = `\n#ClusterName\t${clusterName}\n#BrokerName\t${brokerName}\n#BrokerMasterAddr\t${h.masterAddress}\n#MasterEpoch\t${h.masterEpoch}\n#SyncStateSetEpoch\t${h.syncStateSetEpoch}\n`;
      for (const [id, addr] of members ?? []) text += `\t#Broker\t${id}\t${addr}\n`;
      ctx.io.out(text);
      return 0;
    }),
};

export const cleanBrokerMetadata: Command = {
  name: 'cleanBrokerMetadata',
  description: 'Clean metadata of broker on controller.',
  options: {
    ...CONTROLLER_ADDRESS,
    brokerControllerIdsToClean: { type: 'string', short: 'b' },
    brokerName: { type: 'string' },
    clusterName: { type: 'string', short: 'c' },
    cleanLivingBroker: { type: 'boolean', short: 'l' },
  },
  required: ['controllerAddress', 'brokerName'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, [address]) => {
      const brokerName = stringOption(ctx, 'brokerName');
      const clusterName = typeof ctx.options.clusterName === 'string' ? ctx.options.clusterName.trim() : undefined;
      const ids = typeof ctx.options.brokerControllerIdsToClean === 'string' ? ctx.options.brokerControllerIdsToClean.trim() : undefined;
      if (ids !== undefined && !ids.split(';').every((id) => /^\d+$/.test(id.trim()))) {
        throw new UsageError('please set the option <brokerControllerIdsToClean> according to the format: ids separated by ;');
      }
      const living = ctx.options.cleanLivingBroker === true;
      if (!living && !clusterName) throw new UsageError('cleanLivingBroker option is false, clusterName option can not be empty.');
      const leader = await client.leaderOf(address!);
      await client.expect(leader, Req.CLEAN_BROKER_DATA, { clusterName, brokerName, brokerControllerIdsToClean: ids, isCleanLivingBroker: living, invokeTime: Date.now() });
      ctx.io.out(ctx.json ? json({ brokerName, cleaned: true }) : `clear broker ${brokerName} metadata from controller success! \n`);
      return 0;
    }),
};

export const getControllerConfig: Command = {
  name: 'getControllerConfig',
  description: 'Get controller config.',
  options: { ...CONTROLLER_ADDRESS },
  required: ['controllerAddress'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, addresses) => {
      const configs = new Map<string, Map<string, string>>();
      for (const address of addresses) {
        const response = await client.expect(address, Req.GET_CONTROLLER_CONFIG);
        configs.set(address, parseProperties(response.body?.toString('utf8') ?? ''));
      }
      if (ctx.json) {
        ctx.io.out(json(Object.fromEntries([...configs].map(([a, c]) => [a, Object.fromEntries(c)]))));
        return 0;
      }
      ctx.io.out(configsByServer(configs));
      return 0;
    }),
};

export const updateControllerConfig: Command = {
  name: 'updateControllerConfig',
  description: 'Update controller config.',
  options: { ...CONTROLLER_ADDRESS, key: { type: 'string', short: 'k' }, value: { type: 'string', short: 'v' } },
  required: ['controllerAddress', 'key', 'value'],
  needsNameServer: false,
  run: (ctx) =>
    withController(ctx, async (client, addresses) => {
      const [key, value] = [stringOption(ctx, 'key'), stringOption(ctx, 'value')];
      for (const address of addresses) await client.expect(address, Req.UPDATE_CONTROLLER_CONFIG, {}, formatProperties([[key, value]]));
      ctx.io.out(ctx.json ? json({ controllers: addresses, key, value }) : `update controller config success![${addresses.join(', ')}]\n${key} : ${value}\n`);
      return 0;
    }),
};
