import type { Connection } from './connection.js';

/** Most conversations one socket may watch at a time. */
export const MAX_SUBSCRIPTIONS = 1000;

/**
 * Who is connected, indexed the ways fan-out needs: by conversation watched, by tenant (users),
 * by user, by visitor and by session token. Only authenticated sockets are here; each index is
 * `key → Set of sockets` and a key goes away with its last socket, so memory follows the live
 * sockets and nothing else.
 */
export class SocketRegistry {
  private readonly byConversation = new Map<string, Set<Connection>>();
  private readonly usersByTenant = new Map<string, Set<Connection>>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byVisitor = new Map<string, Set<Connection>>();
  private readonly byToken = new Map<string, Set<Connection>>();
  /** Sockets of the operator's system principal: every tenant. */
  private readonly system = new Set<Connection>();
  private subscriptionCount = 0;

  /** Indexes an authenticated socket under its principal. */
  add(conn: Connection): void {
    const principal = conn.principal;
    if (!principal) throw new Error('SocketRegistry.add: the socket has no principal yet.');
    if (principal.kind === 'system') this.system.add(conn);
    else if (principal.kind === 'user') {
      addTo(this.usersByTenant, principal.tenantId, conn);
      addTo(this.byUser, principal.userId, conn);
    } else addTo(this.byVisitor, principal.visitorId, conn);
    if (conn.tokenId) addTo(this.byToken, conn.tokenId, conn);
  }

  /** Forgets a socket everywhere (safe to call twice, or for a socket never added). */
  remove(conn: Connection): void {
    const principal = conn.principal;
    if (principal?.kind === 'system') this.system.delete(conn);
    else if (principal?.kind === 'user') {
      removeFrom(this.usersByTenant, principal.tenantId, conn);
      removeFrom(this.byUser, principal.userId, conn);
    } else if (principal?.kind === 'visitor') removeFrom(this.byVisitor, principal.visitorId, conn);
    if (conn.tokenId) removeFrom(this.byToken, conn.tokenId, conn);
    if (conn.subscriptions) {
      for (const conversationId of conn.subscriptions) {
        removeFrom(this.byConversation, conversationId, conn);
      }
      this.subscriptionCount -= conn.subscriptions.size;
      conn.subscriptions = null;
    }
  }

  /**
   * Adds `conn` to the watchers of a conversation. False when the socket already watches
   * {@link MAX_SUBSCRIPTIONS} conversations. Visitor sockets never watch: they get their own
   * conversations through the egress view only.
   */
  subscribe(conn: Connection, conversationId: string): boolean {
    if (!conn.isStaff) return false;
    const subs = (conn.subscriptions ??= new Set());
    if (subs.has(conversationId)) return true;
    if (subs.size >= MAX_SUBSCRIPTIONS) return false;
    subs.add(conversationId);
    addTo(this.byConversation, conversationId, conn);
    this.subscriptionCount++;
    return true;
  }

  unsubscribe(conn: Connection, conversationId: string): void {
    if (!conn.subscriptions?.delete(conversationId)) return;
    if (conn.subscriptions.size === 0) conn.subscriptions = null;
    removeFrom(this.byConversation, conversationId, conn);
    this.subscriptionCount--;
  }

  /** Staff sockets watching a conversation. */
  watchers(conversationId: string): ReadonlySet<Connection> | undefined {
    return this.byConversation.get(conversationId);
  }

  /** Calls `fn` for every user socket of `tenantId` and every system socket. */
  forEachStaff(tenantId: string, fn: (conn: Connection) => void): void {
    const users = this.usersByTenant.get(tenantId);
    if (users) for (const conn of users) fn(conn);
    for (const conn of this.system) fn(conn);
  }

  userSockets(userId: string): ReadonlySet<Connection> | undefined {
    return this.byUser.get(userId);
  }

  visitorSockets(visitorId: string): ReadonlySet<Connection> | undefined {
    return this.byVisitor.get(visitorId);
  }

  tokenSockets(tokenId: string): ReadonlySet<Connection> | undefined {
    return this.byToken.get(tokenId);
  }

  counts(): {
    users: number;
    visitors: number;
    system: number;
    watched: number;
    subscriptions: number;
  } {
    let users = 0;
    for (const set of this.usersByTenant.values()) users += set.size;
    let visitors = 0;
    for (const set of this.byVisitor.values()) visitors += set.size;
    return {
      users,
      visitors,
      system: this.system.size,
      watched: this.byConversation.size,
      subscriptions: this.subscriptionCount,
    };
  }
}

function addTo(map: Map<string, Set<Connection>>, key: string, conn: Connection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(conn);
}

function removeFrom(map: Map<string, Set<Connection>>, key: string, conn: Connection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(conn);
  if (set.size === 0) map.delete(key);
}
