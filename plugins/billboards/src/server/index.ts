import { ChatTokens, definePlugin } from '@switchboard/sdk';
import type { BillboardsSettings } from '../common/types.js';
import { BillboardStore } from './billboard-store.js';
import { EventStore } from './event-store.js';
import { registerImageRoutes } from './image-routes.js';
import { ImageStore } from './image-store.js';
import { registerManageRoutes } from './manage-routes.js';
import { SiteDirectory } from './site-directory.js';
import { registerVisitorRoutes } from './visitor-routes.js';

/** Billboards: rotating messages in the widget while a visitor waits. See README.md. */
export const billboardsPlugin = definePlugin<BillboardsSettings>({
  setup(ctx) {
    const services = {
      store: new BillboardStore(ctx.db, ctx.clock),
      images: new ImageStore(ctx.db, ctx.clock),
      events: new EventStore(ctx.db, ctx.clock),
      sites: new SiteDirectory(ctx.use(ChatTokens.Sites)),
    };
    registerManageRoutes(ctx, services);
    registerVisitorRoutes(ctx, services);
    registerImageRoutes(ctx, services);
  },
});

export default billboardsPlugin;
