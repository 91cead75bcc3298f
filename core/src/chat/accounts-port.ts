import type { UserSnapshot } from '@switchboard/sdk';

/** The parts of a site the chat services need. */
export interface SiteRef {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly allowedOrigins: readonly string[];
}

/**
 * What visitors, conversations and messages need from the accounts area. A narrow port keeps
 * the chat services independent of how accounts are stored.
 */
export interface AccountsPort {
  readonly sites: {
    byEmbedKey(embedKey: string): Promise<SiteRef | null>;
    get(tenantId: string, siteId: string): Promise<SiteRef | null>;
  };
  readonly users: {
    get(tenantId: string, userId: string): Promise<UserSnapshot | null>;
  };
  readonly tokens: {
    issue(request: {
      kind: 'visitor';
      tenantId: string;
      siteId: string;
      visitorId: string;
    }): Promise<{ token: string; tokenId: string; expiresAt: number }>;
  };
}
