// The WebSocket protocol this gateway serves is documented in docs/protocol.md.
export {
  createRealtimeGateway,
  MAX_BAD_FRAMES,
  type OriginCheck,
  type RealtimeGateway,
  type RealtimeGatewayDeps,
  type RealtimeStats,
  type SocketFilter,
} from './realtime-gateway.js';
export type { ReplaySource, ReplayedMessage } from './replay-source.js';
export { MAX_SUBSCRIPTIONS } from './socket-registry.js';
