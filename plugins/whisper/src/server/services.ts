import type { ConversationsService, PluginContext, RealtimeService } from '@switchboard/sdk';
import type { WhisperSettings } from '../common/schemas.js';
import type { AuditStore } from './audit-store.js';
import type { MonitorStore } from './monitor-store.js';
import type { ThreadStore } from './thread-store.js';

/** What the plugin's routes share, built once in `setup`. */
export interface WhisperServices {
  readonly ctx: PluginContext<WhisperSettings>;
  readonly conversations: ConversationsService;
  readonly realtime: RealtimeService;
  readonly audit: AuditStore;
  readonly monitors: MonitorStore;
  readonly threads: ThreadStore;
}
