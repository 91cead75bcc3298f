/** Shapes of the admin REST answers the views read (see docs/api.md and docs/protocol.md). */
import type { SiteSnapshot } from '@switchboard/sdk';

/** `GET /api/v1/plugins` item. */
export interface PluginInfo {
  readonly id: string;
  readonly displayName: string;
  readonly description: string | null;
  readonly packageName: string;
  readonly version: string;
  readonly state: 'active' | 'inactive' | 'disabled' | 'failed' | 'quarantined';
  readonly reason: string | null;
  readonly dependencies: readonly string[];
  readonly permissions: readonly string[];
  readonly hasSettings: boolean;
  readonly faults: { readonly errors: number; readonly timeouts: number };
}

/** `GET /api/v1/plugins/:id/settings`. */
export interface PluginSettings {
  readonly plugin: string;
  readonly tenant: string;
  readonly schema: Record<string, unknown> | null;
  readonly value: Record<string, unknown>;
}

// The branding shapes are the sdk's, as the server checks them (core/src/accounts/site-branding.ts).
export type { PrechatField, WindowLook, SiteBranding as Branding } from '@switchboard/sdk';

/** `sites.*` answers: the site as the sdk describes it, with its embed key. */
export interface SiteRecord extends SiteSnapshot {
  readonly embedKey: string;
}

/** `departments.*` answers. */
export interface DepartmentRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly siteId: string | null;
  readonly createdAt?: number;
}
