/** Public API: the NameServer, its building blocks, and the protocol types. */
export { NameServer, type NameServerOptions } from './namesrv/nameserver.js';
export { NameServerApp, type NameServerAppOptions } from './app/nameserver-app.js';
export { Configuration, type ConfigurationInit } from './namesrv/config/configuration.js';
export { loadConfiguration } from './namesrv/config/load-configuration.js';
export { RouteRegistry } from './namesrv/route/route-registry.js';
export { KvStore } from './namesrv/kv/kv-store.js';
export { RemotingServer } from './remoting/remoting-server.js';
export { ClientConnection } from './remoting/remoting-client.js';
export { createRequest, createResponse, SerializeType, type RemotingCommand } from './remoting/remoting-command.js';
export { encodeCommand, decodeCommand } from './remoting/command-codec.js';
export { RequestCode } from './protocol/request-code.js';
export { ResponseCode } from './protocol/response-code.js';
export * from './protocol/route-types.js';
export * from './protocol/bodies/index.js';
export { createLogger, silentLogger, type Logger } from './util/logger.js';
export * from './client/index.js';
