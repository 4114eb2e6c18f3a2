/** The client SDK: NameServer calls, broker registration, producer-side routing. */
export { NameServerClient, type NameServerClientOptions, type CallOptions, type BroadcastOptions, type DataVersionAnswer, type BrokerIdentity } from './namesrv/name-server-client.js';
export { NameServerError, NameServerUnavailableError, NameServerBroadcastError } from './namesrv/errors.js';
export { parseNameServerList, parseHostPort, InvalidAddressError, type HostPort } from './namesrv/address-list.js';
export { addressServerUrl, fetchNameServerAddresses, AddressServerError, type AddressServerOptions } from './namesrv/address-server.js';
export { CLIENT_VERSION } from './namesrv/client-request.js';
export { BrokerRegistration, type BrokerRegistrationOptions, type RegistrationResult } from './broker/broker-registration.js';
export { type MessageQueue, messageQueueKey } from './producer/message-queue.js';
export { topicRouteToPublishInfo, staticTopicEndpoints, MOCK_BROKER_NAME_NOT_EXIST, type TopicPublishInfo } from './producer/publish-info.js';
export {
  LatencyFaultStrategy,
  QueueIndex,
  DEFAULT_LATENCY_MAX,
  DEFAULT_NOT_AVAILABLE_DURATION,
  type LatencyFaultStrategyOptions,
} from './producer/latency-fault-strategy.js';
export { TopicPublishRouter, NoQueueAvailableError, type TopicPublishRouterOptions } from './producer/topic-publish-router.js';
export { signRequest, type Credentials } from '../security/signature.js';
