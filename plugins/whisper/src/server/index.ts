import { ChatTokens, definePlugin } from '@switchboard/sdk';
import type { WhisperSettings } from '../common/schemas.js';
import { AuditStore } from './audit-store.js';
import { MonitorStore } from './monitor-store.js';
import { registerMonitorRoutes } from './monitor-routes.js';
import { ThreadStore } from './thread-store.js';
import { registerThreadRoutes } from './thread-routes.js';
import { registerWhisperRoutes } from './whisper-routes.js';

/** Whisper, internal threads, silent monitoring and barge-in. See README.md. */
export const whisperPlugin = definePlugin<WhisperSettings>({
  setup(ctx) {
    const services = {
      ctx,
      conversations: ctx.use(ChatTokens.Conversations),
      realtime: ctx.use(ChatTokens.Realtime),
      audit: new AuditStore(ctx.db, ctx.clock),
      monitors: new MonitorStore(ctx.db, ctx.clock),
      threads: new ThreadStore(ctx.db, ctx.clock),
    };
    registerWhisperRoutes(services);
    registerThreadRoutes(services);
    registerMonitorRoutes(services);
    // A chat that ends ends its monitoring sessions.
    ctx.hooks.session.conversationEnded.tap(async (conversation) => {
      await services.monitors.stopAll(conversation.tenantId, conversation.id);
    });
  },
});

export default whisperPlugin;
