/** Why a connection went away; the route registry drops a broker's routes in every case. */
export type CloseReason = 'closed' | 'error' | 'idle' | 'bad-input' | 'server-shutdown' | 'expired';
