export { ConfigError } from './config-error.js';
export { ALWAYS_BLACKLISTED, BLACKLIST_REMARK, Configuration, type ConfigurationInit } from './configuration.js';
export { loadConfiguration, type LoadConfigurationOptions, type LoadedConfiguration } from './load-configuration.js';
export { defaultNamesrvConfig, type NamesrvConfig } from './namesrv-config.js';
export { DEFAULT_LISTEN_PORT, defaultNettyServerConfig, type NettyServerConfig } from './netty-server-config.js';
export { formatProperties, parseProperties, PropertiesSyntaxError } from '../../util/java-properties.js';
export { USAGE } from './command-line.js';
