import type { RegisterBrokerBody, TopicConfig, TopicQueueMappingInfo } from '../../protocol/route-types.js';

/**
 * A register body as it crosses from the decoding worker to the main thread: the topic table
 * as parallel arrays, so that copying it costs one string array and one transferred buffer
 * instead of 20,000 structured-cloned objects. Topic attributes are left behind: routes do not
 * carry them.
 */
export interface PackedRegisterBody {
  dataVersion: RegisterBrokerBody['topicConfigSerializeWrapper']['dataVersion'];
  filterServerList: string[];
  names: string[];
  /** Per topic: readQueueNums, writeQueueNums, perm, topicSysFlag, order (0/1). */
  numbers: Int32Array;
  /** Per topic, only when some topic is not SINGLE_TAG. */
  filterTypes: string[] | null;
  mappings: Array<[string, TopicQueueMappingInfo]> | null;
}

const FIELDS = 5;
const DEFAULT_FILTER_TYPE = 'SINGLE_TAG';

export function packRegisterBody(body: RegisterBrokerBody): PackedRegisterBody {
  const table = body.topicConfigSerializeWrapper.topicConfigTable;
  const names: string[] = [];
  const numbers = new Int32Array(table.size * FIELDS);
  let filterTypes: string[] | null = null;
  let i = 0;
  for (const [name, t] of table) {
    names.push(name);
    const at = i * FIELDS;
    numbers[at] = t.readQueueNums;
    numbers[at + 1] = t.writeQueueNums;
    numbers[at + 2] = t.perm;
    numbers[at + 3] = t.topicSysFlag;
    numbers[at + 4] = t.order ? 1 : 0;
    const filterType = t.topicFilterType ?? DEFAULT_FILTER_TYPE;
    if (filterType !== DEFAULT_FILTER_TYPE && !filterTypes) filterTypes = new Array<string>(table.size).fill(DEFAULT_FILTER_TYPE);
    if (filterTypes) filterTypes[i] = filterType;
    i++;
  }
  const mappings = body.topicConfigSerializeWrapper.topicQueueMappingInfoMap;
  return {
    dataVersion: body.topicConfigSerializeWrapper.dataVersion,
    filterServerList: body.filterServerList,
    names,
    numbers,
    filterTypes,
    mappings: mappings ? [...mappings] : null,
  };
}

export function unpackRegisterBody(packed: PackedRegisterBody): RegisterBrokerBody {
  const table = new Map<string, TopicConfig>();
  const { names, numbers, filterTypes } = packed;
  for (let i = 0; i < names.length; i++) {
    const at = i * FIELDS;
    table.set(names[i]!, {
      topicName: names[i]!,
      readQueueNums: numbers[at]!,
      writeQueueNums: numbers[at + 1]!,
      perm: numbers[at + 2]!,
      topicSysFlag: numbers[at + 3]!,
      order: numbers[at + 4] === 1,
      topicFilterType: filterTypes ? filterTypes[i]! : DEFAULT_FILTER_TYPE,
    });
  }
  const wrapper: RegisterBrokerBody['topicConfigSerializeWrapper'] = { dataVersion: packed.dataVersion, topicConfigTable: table };
  if (packed.mappings) wrapper.topicQueueMappingInfoMap = new Map(packed.mappings);
  return { topicConfigSerializeWrapper: wrapper, filterServerList: packed.filterServerList };
}
