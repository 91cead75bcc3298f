import type { Logger, UserPrincipal } from '@switchboard/sdk';
import type { UserService } from './user-service.js';

/**
 * Presence that follows a user's sockets (`chat.offlineWhenDisconnected`): offline once their last
 * socket has been gone for the grace period, their own presence back when a socket opens again.
 *
 * The changes of one user run one after the other, in the order their sockets came and went: a
 * restore still under way when the user disconnects again must not land after the offline
 * write and put them back online with no socket.
 */
export class PresenceFollower {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      readonly users: Pick<UserService, 'disconnected' | 'reconnected'>;
      /** Whether the user has a socket on this process now. */
      readonly connected: (principal: UserPrincipal) => boolean;
      /** Takes back the user's standing offers (when their presence is left as it is). */
      readonly offersBack: (tenantId: string, userId: string) => Promise<void>;
      readonly enabled: boolean;
      readonly logger: Logger;
    },
  ) {}

  /** A socket of the user said hello: the presence taken by a disconnect comes back. */
  opened(principal: UserPrincipal): Promise<void> {
    if (!this.deps.enabled) return Promise.resolve();
    return this.inOrder(principal, () =>
      this.deps.users.reconnected(principal.tenantId, principal.userId).then(() => undefined),
    );
  }

  /**
   * The user's last socket has been closed for the grace period. Their standing offers go back
   * to the queue; with presence following sockets they go offline too (the presence change takes
   * the offers back). A socket that opened meanwhile gets the presence straight back.
   */
  gone(principal: UserPrincipal): Promise<void> {
    const { tenantId, userId } = principal;
    if (!this.deps.enabled) return this.deps.offersBack(tenantId, userId);
    return this.inOrder(principal, async () => {
      if (!(await this.deps.users.disconnected(tenantId, userId))) {
        await this.deps.offersBack(tenantId, userId);
        return;
      }
      if (this.deps.connected(principal)) await this.deps.users.reconnected(tenantId, userId);
    });
  }

  /** Runs `work` after the user's earlier changes; a failure is logged and ends only itself. */
  private inOrder(principal: UserPrincipal, work: () => Promise<void>): Promise<void> {
    const key = `${principal.tenantId}/${principal.userId}`;
    const run = (this.queues.get(key) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.deps.logger.error({ err: error, userId: principal.userId }, 'presence change failed');
    });
    this.queues.set(key, run);
    void run.then(() => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    });
    return run;
  }
}
