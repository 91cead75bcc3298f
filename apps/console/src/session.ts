import { SwitchboardClient } from '@switchboard/sdk/client';
import type { UserSnapshot } from '@switchboard/sdk';

/** What `POST /api/v1/auth/login` answers. */
export interface LoginAnswer {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: UserSnapshot;
}

const STORAGE_KEY = 'switchboard.console.session';

/**
 * A signed-in console user: the token, the user, and one real-time client shared by every view
 * and every plugin slot element. Views receive it as their `session` property.
 */
export class ConsoleSession {
  readonly client: SwitchboardClient;

  constructor(
    readonly token: string,
    public user: UserSnapshot,
    readonly expiresAt: number,
  ) {
    this.client = new SwitchboardClient({ url: location.origin, token });
  }

  private readonly refusedListeners = new Set<() => void>();

  /**
   * A REST call with the user's token; rejects with a `SwitchboardClientError`. A 401 means the
   * token is gone (expired, revoked, user disabled): listeners of {@link onRefused} hear it, so
   * the app returns to sign-in even when no socket noticed.
   */
  async api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    try {
      return await this.client.rest<T>(init.method ?? 'GET', path, init.body);
    } catch (error) {
      const { status, code } = error as { status?: number; code?: string };
      // A wrong current password (AUTH_LOGIN_FAILED) is a 401 too, but the session lives on.
      if (status === 401 && code !== 'AUTH_LOGIN_FAILED') {
        for (const listener of this.refusedListeners) listener();
      }
      throw error;
    }
  }

  /** Calls `listener` when the server refuses the token on a REST call; returns the undo. */
  onRefused(listener: () => void): () => void {
    this.refusedListeners.add(listener);
    return () => this.refusedListeners.delete(listener);
  }

  /** True when the user's role grants `permission` (plugin permissions come from the server). */
  get isSupervisor(): boolean {
    return this.user.role === 'supervisor' || this.user.role === 'admin';
  }

  get isAdmin(): boolean {
    return this.user.role === 'admin';
  }

  /** Signs in with email and password; the session survives a reload until it expires. */
  static async login(email: string, password: string, tenantId?: string): Promise<ConsoleSession> {
    const res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(tenantId ? { email, password, tenantId } : { email, password }),
    });
    const body = (await res.json()) as LoginAnswer & { error?: { message: string } };
    if (!res.ok) throw new Error(body.error?.message ?? `Sign-in failed (${res.status}).`);
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(body));
    return new ConsoleSession(body.token, body.user, body.expiresAt);
  }

  /** The session kept from an earlier sign-in in this tab, if it has not expired. */
  static restore(): ConsoleSession | null {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as LoginAnswer | null;
      if (!saved || saved.expiresAt <= Date.now()) return null;
      return new ConsoleSession(saved.token, saved.user, saved.expiresAt);
    } catch {
      return null;
    }
  }

  /** Forgets the session in this tab without calling the server (after it refused the token). */
  forget(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  }

  /** Signs out on the server (revoking the token) and forgets the session. */
  async logout(): Promise<void> {
    sessionStorage.removeItem(STORAGE_KEY);
    try {
      await this.api('/api/v1/auth/logout', { method: 'POST' });
    } finally {
      await this.client.close();
    }
  }
}
