import type { Clock, PluginDatabase } from '@switchboard/sdk';
import type { Billboard, BillboardReport } from '../common/types.js';
import { isUniqueViolation } from './unique-violation.js';

/** What a visitor did with a billboard. */
export type BillboardEventKind = 'impression' | 'click';

const ratio = (clicks: number, impressions: number) =>
  impressions === 0 ? 0 : Math.round((clicks / impressions) * 10_000) / 10_000;

/**
 * Impressions and clicks: at most one of each per billboard and conversation (a unique key), so
 * a widget that reconnects, re-renders or is scripted to repeat itself counts once.
 */
export class EventStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  /** Records the event; false when this conversation had already counted it. */
  async record(
    tenantId: string,
    billboardId: string,
    conversationId: string,
    visitorId: string,
    kind: BillboardEventKind,
  ): Promise<boolean> {
    try {
      await this.db.table('events').insert({
        tenant_id: tenantId,
        billboard_id: billboardId,
        conversation_id: conversationId,
        visitor_id: visitorId,
        kind,
        created_at: this.clock.now(),
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** Counts per billboard of `billboards`, over events in [from, to). */
  async report(
    tenantId: string,
    billboards: readonly Billboard[],
    from: number | null,
    to: number | null,
  ): Promise<BillboardReport> {
    const q = this.db
      .table('events')
      .select('billboard_id', 'kind')
      .count({ n: '*' })
      .where({ tenant_id: tenantId })
      .groupBy('billboard_id', 'kind');
    if (from !== null) q.andWhere('created_at', '>=', from);
    if (to !== null) q.andWhere('created_at', '<', to);
    const rows = (await q) as { billboard_id: string; kind: string; n: number | string }[];
    const counts = new Map<string, { impressions: number; clicks: number }>();
    for (const r of rows) {
      const c = counts.get(r.billboard_id) ?? { impressions: 0, clicks: 0 };
      if (r.kind === 'impression') c.impressions = Number(r.n);
      else if (r.kind === 'click') c.clicks = Number(r.n);
      counts.set(r.billboard_id, c);
    }
    const lines = billboards.map((b) => {
      const c = counts.get(b.id) ?? { impressions: 0, clicks: 0 };
      return {
        id: b.id,
        siteId: b.siteId,
        window: b.window,
        kind: b.kind,
        text: b.text,
        enabled: b.enabled,
        impressions: c.impressions,
        clicks: c.clicks,
        ctr: ratio(c.clicks, c.impressions),
      };
    });
    const impressions = lines.reduce((s, l) => s + l.impressions, 0);
    const clicks = lines.reduce((s, l) => s + l.clicks, 0);
    return {
      from,
      to,
      billboards: lines,
      totals: { impressions, clicks, ctr: ratio(clicks, impressions) },
    };
  }
}
