import { definePlugin, HookStage } from '@switchboard/sdk';
import type { CannedResponsesSettings } from '../common/schemas.js';
import { CannedResponseStore } from './canned-response-store.js';
import { expandShortcut } from './expand-shortcut.js';
import { registerRoutes } from './routes.js';

/** Canned responses: saved answers agents insert with a shortcut. See README.md. */
export const cannedResponsesPlugin = definePlugin<CannedResponsesSettings>({
  setup(ctx) {
    const store = new CannedResponseStore(ctx.db, ctx.clock);
    // Early, so later transforms (and audits) see the expanded text.
    ctx.hooks.session.beforeMessage.tap(expandShortcut(store, ctx.settings), {
      stage: HookStage.EARLY,
    });
    registerRoutes(ctx, store);
  },
});

export default cannedResponsesPlugin;
