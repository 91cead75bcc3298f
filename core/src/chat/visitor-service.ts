import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import {
  ForbiddenError,
  InputError,
  NotFoundError,
  type Clock,
  type EventBus,
  type PageView,
  type Principal,
  type VisitorPrincipal,
  type AuthorKind,
  type ConversationColour,
  type ConversationState,
  type VisitorSnapshot,
} from '@switchboard/sdk';
import { colourOf } from './conversation-record.js';
import type { HookCatalogue } from '../hooks/hook-catalogue.js';
import type { AccountsPort, SiteRef } from './accounts-port.js';
import { ChatTopics, type VisitorPublished } from './chat-events.js';
import { newId } from './ids.js';
import { num, numOrNull, readJson, writeJson } from './json-column.js';

/** A new visit starts after this much inactivity (the web-analytics convention). */
const VISIT_GAP_MS = 30 * 60 * 1000;
const MAX_CUSTOM_DATA_BYTES = 16 * 1024;

export interface VisitorSessionInput {
  readonly embedKey: string;
  readonly cookieId?: string;
  readonly name?: string;
  readonly email?: string;
  readonly language?: string;
  readonly location?: Record<string, string>;
  readonly customData?: Record<string, unknown>;
}

/** A page view row as agents see it. */
export interface PageViewRecord extends PageView {
  readonly id: string;
  readonly timeOnPageMs: number | null;
}

export interface VisitorServiceDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly hooks: HookCatalogue;
  readonly accounts: AccountsPort;
}

/**
 * Visitors: sessions started from a site's embed key, page views with time on page, custom data
 * pushed by the embedding page, and call history across visits.
 */
export class VisitorService {
  constructor(private readonly deps: VisitorServiceDeps) {}

  /**
   * Starts (or resumes) a visitor session from a site's embed key. The cookie id the widget keeps
   * identifies a returning visitor; a new one is minted when absent. Browsers must come from one
   * of the site's allowed origins.
   */
  async startSession(
    input: VisitorSessionInput,
    client: { origin: string | null; userAgent: string | null },
  ): Promise<{
    token: string;
    expiresAt: number;
    cookieId: string;
    visitor: VisitorSnapshot;
    site: SiteRef;
  }> {
    const site = await this.deps.accounts.sites.byEmbedKey(input.embedKey);
    // An unknown key and a refused origin answer alike, so keys cannot be probed by origin.
    if (!site || !originAllowed(site, client.origin)) {
      throw new ForbiddenError(
        'This embed key is unknown or not allowed on this origin; check the site settings.',
        'EMBED_REFUSED',
      );
    }
    const now = this.deps.clock.now();
    const cookieId = input.cookieId ?? randomBytes(16).toString('hex');
    const existing = (await this.deps
      .knex('core_visitors')
      .where({ site_id: site.id, cookie_id: cookieId })
      .first()) as Record<string, unknown> | undefined;
    let visitorId: string;
    let newVisit = true;
    if (existing) {
      visitorId = existing.id as string;
      newVisit = now - num(existing.last_seen_at) > VISIT_GAP_MS;
      await this.deps
        .knex('core_visitors')
        .where({ id: visitorId })
        .update({
          last_seen_at: now,
          ...(newVisit ? { visit_count: num(existing.visit_count) + 1 } : {}),
          ...(client.userAgent ? { user_agent: client.userAgent.slice(0, 1000) } : {}),
          ...(input.language ? { language: input.language } : {}),
          ...(input.name ? { name: input.name } : {}),
          ...(input.email ? { email: input.email } : {}),
          ...(input.location ? { location: writeJson(input.location) } : {}),
          ...(input.customData
            ? {
                custom_data: writeJson(
                  mergeCustom(readJson(existing.custom_data, {}), input.customData),
                ),
              }
            : {}),
        });
    } else {
      visitorId = newId('vis', now);
      try {
        await this.deps.knex('core_visitors').insert({
          id: visitorId,
          tenant_id: site.tenantId,
          site_id: site.id,
          cookie_id: cookieId,
          name: input.name ?? null,
          email: input.email ?? null,
          user_agent: client.userAgent?.slice(0, 1000) ?? null,
          language: input.language ?? null,
          location: writeJson(input.location ?? {}),
          custom_data: writeJson(checkCustom(input.customData ?? {})),
          visit_count: 1,
          last_seen_at: now,
          created_at: now,
        });
      } catch (error) {
        // Two tabs of a new visitor raced: use the row the other one stored.
        const row = await this.deps
          .knex('core_visitors')
          .where({ site_id: site.id, cookie_id: cookieId })
          .first('id');
        if (!row) throw error;
        visitorId = row.id as string;
        newVisit = false;
      }
    }
    const issued = await this.deps.accounts.tokens.issue({
      kind: 'visitor',
      tenantId: site.tenantId,
      siteId: site.id,
      visitorId,
    });
    const visitor = (await this.get(site.tenantId, visitorId))!;
    if (newVisit) await this.deps.hooks.session.visitorArrived.call(visitor);
    await this.publish(visitor);
    return { token: issued.token, expiresAt: issued.expiresAt, cookieId, visitor, site };
  }

  /** The visitor's last connection closed (after a grace period): `session.visitorLeft`. */
  async left(tenantId: string, visitorId: string): Promise<void> {
    const visitor = await this.get(tenantId, visitorId);
    if (!visitor) return;
    await this.deps.hooks.session.visitorLeft.call(visitor);
  }

  /** True when a visitor socket from `origin` may speak for `principal` (its site's origins). */
  async originAllowedFor(principal: Principal, origin: string | null): Promise<boolean> {
    if (principal.kind !== 'visitor') return true;
    const site = await this.deps.accounts.sites.get(principal.tenantId, principal.siteId);
    return site !== null && originAllowed(site, origin);
  }

  async get(tenantId: string, visitorId: string): Promise<VisitorSnapshot | null> {
    const row = (await this.deps
      .knex('core_visitors')
      .where({ id: visitorId, tenant_id: tenantId })
      .first()) as Record<string, unknown> | undefined;
    return row ? toVisitor(row) : null;
  }

  /** The visitor, or 404 for a missing id and for another tenant's id alike. */
  async require(tenantId: string, visitorId: string): Promise<VisitorSnapshot> {
    const visitor = await this.get(tenantId, visitorId);
    if (!visitor) throw new NotFoundError(`No visitor "${visitorId}".`, 'VISITOR_NOT_FOUND');
    return visitor;
  }

  /** Records a page view and closes the previous one's time on page. */
  async pageView(
    principal: VisitorPrincipal,
    view: { url: string; title?: string; referrer?: string },
  ): Promise<PageViewRecord> {
    const now = this.deps.clock.now();
    const { tenantId, visitorId } = principal;
    const previous = (await this.deps
      .knex('core_page_views')
      .where({ visitor_id: visitorId })
      .whereNull('time_on_page_ms')
      .orderBy('viewed_at', 'desc')
      .first()) as Record<string, unknown> | undefined;
    if (previous) {
      const spent = now - num(previous.viewed_at);
      if (spent <= VISIT_GAP_MS) {
        await this.deps
          .knex('core_page_views')
          .where({ id: previous.id as string })
          .update({ time_on_page_ms: spent });
      }
    }
    const record: PageViewRecord = {
      id: newId('pv', now),
      visitorId,
      url: view.url,
      title: view.title ?? null,
      referrer: view.referrer ?? null,
      at: now,
      timeOnPageMs: null,
    };
    await this.deps.knex('core_page_views').insert({
      id: record.id,
      tenant_id: tenantId,
      visitor_id: visitorId,
      url: record.url,
      title: record.title,
      referrer: record.referrer,
      viewed_at: now,
    });
    await this.deps.knex('core_visitors').where({ id: visitorId }).update({ last_seen_at: now });
    const visitor = await this.require(tenantId, visitorId);
    await this.deps.hooks.session.pageViewed.call(visitor, record);
    await this.publish(visitor);
    return record;
  }

  /** Merges (or replaces) the custom data the embedding page pushes (cart, customer id...). */
  async setCustomData(
    principal: VisitorPrincipal,
    data: Record<string, unknown>,
    replace: boolean,
  ): Promise<VisitorSnapshot> {
    const current = await this.require(principal.tenantId, principal.visitorId);
    const next = replace ? checkCustom(data) : mergeCustom(current.customData, data);
    await this.deps
      .knex('core_visitors')
      .where({ id: principal.visitorId })
      .update({ custom_data: writeJson(next) });
    const visitor = await this.require(principal.tenantId, principal.visitorId);
    await this.publish(visitor);
    return visitor;
  }

  /** The visitor tells us who they are (pre-chat form). */
  async identify(
    principal: VisitorPrincipal,
    who: { name?: string; email?: string },
  ): Promise<VisitorSnapshot> {
    const changes: Record<string, unknown> = {};
    if (who.name !== undefined) changes.name = who.name;
    if (who.email !== undefined) changes.email = who.email;
    if (Object.keys(changes).length > 0)
      await this.deps.knex('core_visitors').where({ id: principal.visitorId }).update(changes);
    const visitor = await this.require(principal.tenantId, principal.visitorId);
    await this.publish(visitor);
    return visitor;
  }

  /**
   * Visitors seen since `since`, most recent first (the live monitoring list), each with the
   * seed product's colour: the open conversation's colour, else blue when they chatted before,
   * else grey (browsing).
   */
  async listRecent(
    tenantId: string,
    since: number,
    limit: number,
  ): Promise<
    (VisitorSnapshot & { colour: ConversationColour; openConversationId: string | null })[]
  > {
    const rows = (await this.deps
      .knex('core_visitors')
      .where({ tenant_id: tenantId })
      .andWhere('last_seen_at', '>=', since)
      .orderBy([
        { column: 'last_seen_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)) as Record<string, unknown>[];
    const visitors = rows.map(toVisitor);
    const ids = visitors.map((v) => v.id);
    const conversations = ids.length
      ? ((await this.deps
          .knex('core_conversations')
          .where({ tenant_id: tenantId })
          .whereIn('visitor_id', ids)
          .select('id', 'visitor_id', 'state', 'last_author', 'ended_at')) as Record<
          string,
          unknown
        >[])
      : [];
    const open = new Map<string, Record<string, unknown>>();
    const chatted = new Set<string>();
    for (const c of conversations) {
      if (c.ended_at === null || c.ended_at === undefined) open.set(c.visitor_id as string, c);
      else chatted.add(c.visitor_id as string);
    }
    return visitors.map((v) => {
      const current = open.get(v.id);
      const colour: ConversationColour = current
        ? colourOf(
            current.state as ConversationState,
            (current.last_author as AuthorKind | null) ?? null,
          )
        : chatted.has(v.id)
          ? 'blue'
          : 'grey';
      return { ...v, colour, openConversationId: (current?.id as string | undefined) ?? null };
    });
  }

  /** Page views of a visitor, newest first. */
  async pageViews(tenantId: string, visitorId: string, limit: number): Promise<PageViewRecord[]> {
    const rows = (await this.deps
      .knex('core_page_views')
      .where({ tenant_id: tenantId, visitor_id: visitorId })
      .orderBy('viewed_at', 'desc')
      .limit(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({
      id: r.id as string,
      visitorId: r.visitor_id as string,
      url: r.url as string,
      title: (r.title as string | null) ?? null,
      referrer: (r.referrer as string | null) ?? null,
      at: num(r.viewed_at),
      timeOnPageMs: numOrNull(r.time_on_page_ms),
    }));
  }

  /**
   * Call history: every conversation of this visitor and of other visitor records of the same
   * person in the tenant, matched by visitor id, email or cookie id.
   */
  async history(
    tenantId: string,
    visitorId: string,
    limit: number,
  ): Promise<Record<string, unknown>[]> {
    const visitor = (await this.deps
      .knex('core_visitors')
      .where({ id: visitorId, tenant_id: tenantId })
      .first()) as Record<string, unknown> | undefined;
    if (!visitor) throw new NotFoundError(`No visitor "${visitorId}".`, 'VISITOR_NOT_FOUND');
    const related = this.deps
      .knex('core_visitors')
      .where({ tenant_id: tenantId })
      .andWhere((q) => {
        q.where('id', visitorId).orWhere('cookie_id', visitor.cookie_id as string);
        if (visitor.email) q.orWhere('email', visitor.email as string);
      })
      .select('id');
    const rows = (await this.deps
      .knex('core_conversations')
      .where({ tenant_id: tenantId })
      .whereIn('visitor_id', related)
      .orderBy('created_at', 'desc')
      .limit(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({
      conversationId: r.id,
      visitorId: r.visitor_id,
      matchedBy: r.visitor_id === visitorId ? 'visitor' : 'email-or-cookie',
      state: r.state,
      assignedAgentId: r.assigned_agent_id ?? null,
      messageCount: num(r.last_seq),
      createdAt: num(r.created_at),
      endedAt: numOrNull(r.ended_at),
      endReason: r.end_reason ?? null,
      transcriptUrl: `/api/v1/conversations/${String(r.id)}/transcript`,
    }));
  }

  private async publish(visitor: VisitorSnapshot): Promise<void> {
    const payload: VisitorPublished = { visitor };
    await this.deps.events.publish(ChatTopics.visitor, payload);
  }
}

/** Browsers must come from an allowed origin; a site with no list accepts any origin. */
export function originAllowed(site: SiteRef, origin: string | null): boolean {
  if (!origin || site.allowedOrigins.length === 0) return true;
  return site.allowedOrigins.some(
    (allowed) => allowed === '*' || allowed.toLowerCase() === origin.toLowerCase(),
  );
}

function toVisitor(row: Record<string, unknown>): VisitorSnapshot {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    siteId: row.site_id as string,
    name: (row.name as string | null) ?? null,
    email: (row.email as string | null) ?? null,
    visitCount: num(row.visit_count),
    customData: readJson(row.custom_data, {}),
    userAgent: (row.user_agent as string | null) ?? null,
    language: (row.language as string | null) ?? null,
    location: readJson(row.location, {}),
    lastSeenAt: num(row.last_seen_at),
    createdAt: num(row.created_at),
  };
}

function mergeCustom(
  current: Readonly<Record<string, unknown>>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return checkCustom(next);
}

function checkCustom(data: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(data)) > MAX_CUSTOM_DATA_BYTES) {
    throw new InputError(
      `Custom data may take at most ${MAX_CUSTOM_DATA_BYTES} bytes as JSON.`,
      undefined,
      'CUSTOM_DATA_TOO_LARGE',
    );
  }
  return data;
}
