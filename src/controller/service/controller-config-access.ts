import { ControllerResponseCode as Code } from '../../protocol/controller-codes.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { InvalidPropertyError } from '../../namesrv/config/property-value.js';
import { decodePropertiesBytes, formatProperties, parseProperties, PropertiesSyntaxError } from '../../util/java-properties.js';
import { applyControllerProperty, controllerConfigEntries, controllerPropertyName, type ControllerConfig } from '../config/controller-config.js';

/**
 * Names UPDATE_CONTROLLER_CONFIG never changes, whatever configBlackList says: Java's fixed three,
 * plus what decides where state lives and who leads (changing those live would split the controller).
 */
const ALWAYS_BLACKLISTED = [
  'configBlackList', 'configStorePath', 'rocketmqHome',
  'controllerStore', 'controllerStorePath', 'controllerDLegerPeers', 'controllerDLegerSelfId', 'controllerDLegerGroup',
  'controllerEtcdEndpoints', 'controllerEtcdPrefix', 'controllerEtcdLeaseTtlSeconds',
  'controllerEtcdCaFile', 'controllerEtcdCertFile', 'controllerEtcdKeyFile', 'controllerEtcdUser', 'controllerEtcdPassword',
];

/**
 * GET_CONTROLLER_CONFIG and UPDATE_CONTROLLER_CONFIG over the live controller settings. As Java,
 * an update is saved to configStorePath (every setting, `key=value`); if saving fails nothing changes.
 */
export class ControllerConfigAccess {
  constructor(private readonly config: ControllerConfig) {}

  format(): string {
    return formatProperties(controllerConfigEntries(this.config, true));
  }

  /** Applies every property of the body, or none: resolves with the refusal when one cannot be applied. */
  async update(body: Buffer | null): Promise<{ refused: number; remark: string } | null> {
    if (!body || body.length === 0) return null;
    let properties: Map<string, string>;
    try {
      properties = parseProperties(decodePropertiesBytes(body));
    } catch (error) {
      if (error instanceof PropertiesSyntaxError) return { refused: Code.SYSTEM_ERROR, remark: 'string2Properties error' };
      throw error;
    }
    const blacklist = new Set([...ALWAYS_BLACKLISTED, ...this.config.configBlackList.split(';').map((s) => s.trim()).filter(Boolean)]);
    for (const name of properties.keys()) {
      if (blacklist.has(controllerPropertyName(name) ?? name)) return { refused: Code.NO_PERMISSION, remark: 'Can not update config in black list.' };
    }
    const next = { ...this.config };
    for (const [name, raw] of properties) {
      if (!controllerPropertyName(name)) continue; // as Java: names it does not know are ignored
      try {
        applyControllerProperty(next, name, raw);
      } catch (error) {
        if (error instanceof InvalidPropertyError) return { refused: Code.SYSTEM_ERROR, remark: error.message };
        throw error;
      }
    }
    try {
      await writeFileAtomic(this.config.configStorePath, formatProperties(controllerConfigEntries(next)));
    } catch (error) {
      return { refused: Code.SYSTEM_ERROR, remark: `Can not update config: cannot write ${this.config.configStorePath}: ${(error as Error).message}` };
    }
    Object.assign(this.config, next);
    return null;
  }
}
