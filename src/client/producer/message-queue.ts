/** A queue of a topic on one broker, as producers address it. */
export interface MessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}
