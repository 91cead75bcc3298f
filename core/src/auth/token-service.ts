import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  Clock,
  Disposable,
  EventBus,
  Logger,
  Principal,
  Role,
  UserPrincipal,
  VisitorPrincipal,
} from '@switchboard/sdk';
import { ChatTopics, type RevokedPublished } from '../chat/chat-events.js';
import { newId } from '../chat/ids.js';
import { bool, num } from '../chat/json-column.js';
import type { PrincipalResolver } from '../http/auth.js';
import type { AccessPolicy } from './policy.js';

/** Who a token is for. */
export type TokenSubject =
  | { readonly kind: 'user'; readonly tenantId: string; readonly userId: string }
  | {
      readonly kind: 'visitor';
      readonly tenantId: string;
      readonly siteId: string;
      readonly visitorId: string;
    };

/** A token just issued: `token` is shown once and never stored; `tokenId` names it afterwards. */
export interface IssuedToken {
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAt: number;
}

export interface TokenServiceDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly policy: AccessPolicy;
  readonly userTokenTtlMs: number;
  readonly visitorTokenTtlMs: number;
}

/** Token prefixes, so a leaked token is recognisable (and secret scanners can match it). */
export const TOKEN_PREFIX = { user: 'sbu_', visitor: 'sbv_' } as const;
/** `sbu_` or `sbv_` + 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^sb([uv])_[A-Za-z0-9_-]{43}$/;
/** How long a resolved token is remembered in process; revocation events drop it sooner. */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

interface CacheEntry {
  readonly tokenId: string;
  readonly kind: 'user' | 'visitor';
  readonly tenantId: string;
  readonly userId: string | null;
  readonly visitorId: string | null;
  readonly siteId: string | null;
  readonly role: Role | null;
  readonly expiresAt: number;
  readonly cachedUntil: number;
}

/**
 * Opaque bearer tokens for users and visitors. Only the SHA-256 of a token is stored
 * (`core_auth_tokens.token_hash`), so a database leak yields no usable token. A token resolves to
 * a principal until it expires or is revoked, its user or tenant is disabled, or its visitor is
 * erased. Resolutions are cached in process for at most 5 s; every revocation drops the cache
 * entries it concerns and publishes `ChatTopics.revoked`, which the realtime gateway uses to cut
 * sockets and which other processes use to drop their own cache entries (an erasure elsewhere
 * that only publishes the event is honoured the same way).
 */
export class TokenService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly subscription: Disposable;

  /** The resolver for the HTTP auth middleware and the WebSocket `hello`. */
  readonly resolver: PrincipalResolver = (token) => this.resolve(token);

  constructor(private readonly deps: TokenServiceDeps) {
    this.subscription = deps.events.subscribe(ChatTopics.revoked, (payload) => {
      this.forget(payload as RevokedPublished);
    });
  }

  /** Issues a token for `subject`; inside `trx` when given (then it commits with the caller). */
  async issue(subject: TokenSubject, trx?: Knex.Transaction): Promise<IssuedToken> {
    const now = this.deps.clock.now();
    const ttl = subject.kind === 'user' ? this.deps.userTokenTtlMs : this.deps.visitorTokenTtlMs;
    const token = TOKEN_PREFIX[subject.kind] + randomBytes(32).toString('base64url');
    const tokenId = newId('tok', now);
    const expiresAt = now + ttl;
    await (trx ?? this.deps.knex)('core_auth_tokens').insert({
      id: tokenId,
      token_hash: hashToken(token),
      kind: subject.kind,
      tenant_id: subject.tenantId,
      user_id: subject.kind === 'user' ? subject.userId : null,
      visitor_id: subject.kind === 'visitor' ? subject.visitorId : null,
      site_id: subject.kind === 'visitor' ? subject.siteId : null,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
    });
    return { token, tokenId, expiresAt };
  }

  /**
   * The principal `token` stands for, or null when it is not one of ours, unknown, expired,
   * revoked, its user or tenant is disabled, or its visitor is gone.
   */
  async resolve(token: string): Promise<Principal | null> {
    const shape = TOKEN_SHAPE.exec(token);
    if (!shape) return null;
    const hash = hashToken(token);
    const now = this.deps.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.cachedUntil > now && cached.expiresAt > now) return this.principal(cached);
    if (cached) this.cache.delete(hash);

    const row = await this.deps
      .knex('core_auth_tokens as t')
      .join('core_tenants as n', 'n.id', 't.tenant_id')
      .leftJoin('core_users as u', function () {
        this.on('u.id', '=', 't.user_id').andOn('u.tenant_id', '=', 't.tenant_id');
      })
      .leftJoin('core_visitors as v', function () {
        this.on('v.id', '=', 't.visitor_id').andOn('v.tenant_id', '=', 't.tenant_id');
      })
      .where('t.token_hash', hash)
      .first(
        't.id',
        't.kind',
        't.tenant_id',
        't.user_id',
        't.visitor_id',
        't.site_id',
        't.expires_at',
        't.revoked_at',
        'n.disabled as tenant_disabled',
        'u.role as role',
        'u.disabled as user_disabled',
        'v.id as visitor_row',
      );
    if (!row) return null;
    const kind = shape[1] === 'u' ? 'user' : 'visitor';
    const expiresAt = num(row.expires_at);
    if (row.kind !== kind || row.revoked_at !== null || expiresAt <= now) return null;
    if (bool(row.tenant_disabled)) return null;
    if (kind === 'user' && (!row.role || bool(row.user_disabled))) return null;
    // An erased visitor's tokens die with the visitor row.
    if (kind === 'visitor' && (!row.visitor_row || !row.site_id)) return null;

    const entry: CacheEntry = {
      tokenId: row.id,
      kind,
      tenantId: row.tenant_id,
      userId: row.user_id ?? null,
      visitorId: row.visitor_id ?? null,
      siteId: row.site_id ?? null,
      role: (row.role as Role | null) ?? null,
      expiresAt,
      cachedUntil: now + CACHE_MS,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, entry);
    return this.principal(entry);
  }

  /** Revokes one token of `tenantId`; false when it was unknown or already revoked. */
  async revoke(tenantId: string, tokenId: string): Promise<boolean> {
    const ids = await this.revokeWhere({ tenant_id: tenantId, id: tokenId });
    if (ids.length === 0) return false;
    await this.announce({ tenantId, tokenIds: ids });
    return true;
  }

  /**
   * Revokes every live token of a user; resolves with their ids. By default the event names the
   * user, so every socket of theirs is cut. With `onlyThese`, the event names just the revoked
   * tokens: for a password change that hands the caller a fresh token right after.
   */
  async revokeUser(
    tenantId: string,
    userId: string,
    options: { onlyThese?: boolean } = {},
  ): Promise<string[]> {
    const ids = await this.revokeWhere({ tenant_id: tenantId, user_id: userId });
    if (options.onlyThese) {
      if (ids.length > 0) await this.announce({ tenantId, tokenIds: ids });
    } else {
      await this.announce({ tenantId, userId, tokenIds: ids });
    }
    return ids;
  }

  /** Revokes every live token of a visitor (erase, block); resolves with their ids. */
  async revokeVisitor(tenantId: string, visitorId: string): Promise<string[]> {
    const ids = await this.revokeWhere({ tenant_id: tenantId, visitor_id: visitorId });
    await this.announce({ tenantId, visitorId, tokenIds: ids });
    return ids;
  }

  /** Revokes every live token of a tenant (tenant disabled); resolves with their ids. */
  async revokeTenant(tenantId: string): Promise<string[]> {
    const ids = await this.revokeWhere({ tenant_id: tenantId });
    if (ids.length > 0) await this.announce({ tenantId, tokenIds: ids });
    return ids;
  }

  /**
   * Deletes tokens that expired or were revoked before `before` (default: now minus one day);
   * resolves with how many went. For a periodic job (retention).
   */
  async purge(before = this.deps.clock.now() - 86_400_000): Promise<number> {
    return this.deps
      .knex('core_auth_tokens')
      .where('expires_at', '<', before)
      .orWhere('revoked_at', '<', before)
      .delete();
  }

  /** Stops listening for revocations. */
  dispose(): void {
    this.subscription.dispose();
    this.cache.clear();
  }

  private principal(entry: CacheEntry): Principal {
    if (entry.kind === 'user') {
      const principal: UserPrincipal = {
        kind: 'user',
        userId: entry.userId!,
        tenantId: entry.tenantId,
        role: entry.role!,
        permissions: this.deps.policy.permissionsOf(entry.role!, entry.tenantId),
        sessionId: entry.tokenId,
      };
      return Object.freeze(principal);
    }
    const principal: VisitorPrincipal = {
      kind: 'visitor',
      visitorId: entry.visitorId!,
      tenantId: entry.tenantId,
      siteId: entry.siteId!,
      permissions: this.deps.policy.visitorPermissions(),
      sessionId: entry.tokenId,
    };
    return Object.freeze(principal);
  }

  /** Marks the live tokens matching `where` revoked; resolves with their ids. */
  private async revokeWhere(where: Record<string, string>): Promise<string[]> {
    const now = this.deps.clock.now();
    return this.deps.knex.transaction(async (trx) => {
      const ids = (await trx('core_auth_tokens')
        .where(where)
        .whereNull('revoked_at')
        .where('expires_at', '>', now)
        .pluck('id')) as string[];
      for (let i = 0; i < ids.length; i += 500) {
        await trx('core_auth_tokens')
          .whereIn('id', ids.slice(i, i + 500))
          .whereNull('revoked_at')
          .update({ revoked_at: now });
      }
      return ids;
    });
  }

  /** Drops local cache entries at once, then tells the gateway and the other processes. */
  private async announce(event: RevokedPublished): Promise<void> {
    this.forget(event);
    this.deps.logger.debug(
      { tenantId: event.tenantId, tokens: event.tokenIds?.length ?? 0 },
      'tokens revoked',
    );
    await this.deps.events.publish(ChatTopics.revoked, event);
  }

  private forget(event: RevokedPublished): void {
    const ids = new Set(event.tokenIds ?? []);
    const whole = !event.userId && !event.visitorId && !event.tokenIds;
    for (const [hash, entry] of this.cache) {
      if (entry.tenantId !== event.tenantId) continue;
      if (
        whole ||
        ids.has(entry.tokenId) ||
        (event.userId && entry.userId === event.userId) ||
        (event.visitorId && entry.visitorId === event.visitorId)
      ) {
        this.cache.delete(hash);
      }
    }
  }
}

/** SHA-256 hex of a token: what `core_auth_tokens.token_hash` holds. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
