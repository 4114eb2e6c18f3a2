export { encodeTopicRouteData, decodeTopicRouteData } from './topic-route-data.js';
export { encodeClusterInfo, decodeClusterInfo } from './cluster-info.js';
export { encodeTopicList, decodeTopicList, topicListSteps } from './topic-list.js';
export { encodeKvTable, decodeKvTable } from './kv-table.js';
export { encodeDataVersion, decodeDataVersion } from './data-version.js';
export { encodeBrokerMemberGroupResponse, decodeBrokerMemberGroupResponse } from './broker-member-group.js';
export { encodeRegisterBrokerBody, decodeRegisterBrokerBody } from './register-broker-body.js';
export { decodeRegisterBrokerRecords, doesNotInflate, registerRecordsDataVersion } from './register-broker-body-compressed.js';
export { decodeTopicConfigSerializeWrapper } from './topic-config-serialize-wrapper.js';
