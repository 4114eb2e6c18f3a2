/**
 * Protocol versions are Java's MQVersion.Version ordinals. A NameServer writes its own version
 * into every response; this one answers as Apache RocketMQ 5.3.3 does.
 */
export const MQVersion = {
  V3_0_11: 37,
  V4_9_3: 399,
  V4_9_4: 401,
  V4_9_8: 409,
  V5_0_0: 413,
  /** Clients newer than this understand GO_AWAY. */
  V5_3_1: 475,
  V5_3_3: 479,
} as const;

export const SERVER_VERSION = MQVersion.V5_3_3;
