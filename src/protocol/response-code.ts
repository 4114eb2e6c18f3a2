/** Response codes the NameServer writes, with Java's names. */
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  QUERY_NOT_FOUND: 22,
  GO_AWAY: 1500,
} as const;

export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];
