/** Why a connection was torn down and opened again: the `cause` label of `worker_ws_reconnects_total`. */
export type ReconnectCause =
  | 'close'
  | 'socket_error'
  | 'upgrade_rejected'
  | 'token_error'
  | 'token_expired'
  | 'server_error'
  | 'welcome_timeout'
  | 'pong_timeout'
  | 'stale_feed'
  | 'silent_data'
  | 'ack_timeout';
