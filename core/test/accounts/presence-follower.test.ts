import { expect } from 'chai';
import type { UserPrincipal } from '@switchboard/sdk';
import { PresenceFollower } from '../../src/accounts/presence-follower.js';
import { createLogger } from '../../src/logger.js';

/**
 * The order of one user's presence changes. The kernel-level behaviour (offline after the grace
 * period, back on hello) is in test/chat/presence-follows-sockets.test.ts; this pins the race a
 * slow database opens: a restore still under way when the user disconnects again.
 */
describe('PresenceFollower', () => {
  const agent = (userId: string): UserPrincipal => ({
    kind: 'user',
    tenantId: 't1',
    userId,
    role: 'agent',
    permissions: new Set(),
  });
  const ada = agent('ada');
  const bob = agent('bob');

  /** A users service whose writes take `ms` each and log when they start and end. */
  function slowUsers(ms: number, log: string[]) {
    const write = (name: string) => async (_tenantId: string, userId: string) => {
      log.push(`${name} ${userId} start`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`${name} ${userId} end`);
      return true;
    };
    return { disconnected: write('offline'), reconnected: write('restore') };
  }

  function follower(log: string[], options: { enabled?: boolean; connected?: boolean } = {}) {
    return new PresenceFollower({
      users: slowUsers(20, log),
      connected: () => options.connected ?? false,
      offersBack: async (_tenantId, userId) => void log.push(`offers ${userId}`),
      enabled: options.enabled ?? true,
      logger: createLogger('silent'),
    });
  }

  it('runs one user’s changes in the order their sockets came and went', async () => {
    const log: string[] = [];
    const presence = follower(log);
    const restoring = presence.opened(ada);
    const leaving = presence.gone(ada);
    await Promise.all([restoring, leaving]);
    expect(log).to.deep.equal([
      'restore ada start',
      'restore ada end',
      'offline ada start',
      'offline ada end',
    ]);
  });

  it('does not hold one user’s changes behind another’s', async () => {
    const log: string[] = [];
    const presence = follower(log);
    await Promise.all([presence.opened(ada), presence.opened(bob)]);
    expect(log.slice(0, 2)).to.deep.equal(['restore ada start', 'restore bob start']);
  });

  it('gives the presence straight back when a socket opened during the offline write', async () => {
    const log: string[] = [];
    await follower(log, { connected: true }).gone(ada);
    expect(log).to.deep.equal([
      'offline ada start',
      'offline ada end',
      'restore ada start',
      'restore ada end',
    ]);
  });

  it('only takes back the offers when presence does not follow sockets', async () => {
    const log: string[] = [];
    const presence = follower(log, { enabled: false });
    await presence.opened(ada);
    await presence.gone(ada);
    expect(log).to.deep.equal(['offers ada']);
  });

  it('logs a failed change and carries on with the next', async () => {
    const log: string[] = [];
    const presence = new PresenceFollower({
      users: {
        reconnected: async () => {
          throw new Error('database gone');
        },
        disconnected: async () => {
          log.push('offline');
          return true;
        },
      },
      connected: () => false,
      offersBack: async () => undefined,
      enabled: true,
      logger: createLogger('silent'),
    });
    await presence.opened(ada);
    await presence.gone(ada);
    expect(log).to.deep.equal(['offline']);
  });
});
