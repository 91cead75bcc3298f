/** Shapes of the admin REST answers the views read (see docs/api.md and docs/protocol.md). */

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

/** A pre-chat field of a chat window (core/src/accounts/site-branding.ts). */
export interface PrechatField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'tel' | 'select' | 'textarea';
  readonly required?: boolean;
  readonly options?: readonly string[];
}

/** How a chat window looks (core/src/accounts/site-branding.ts `WindowLook`). */
export interface WindowLook {
  readonly title?: string;
  readonly colour?: string;
  readonly greeting?: string;
  readonly logoUrl?: string;
  readonly position?: 'bottom-right' | 'bottom-left';
  readonly prechatFields?: readonly PrechatField[];
  readonly offlineMessage?: string;
}

export interface Branding extends WindowLook {
  readonly chatWindows?: Readonly<Record<string, WindowLook>>;
}

/** `sites.*` answers. */
export interface SiteRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly domains: readonly string[];
  readonly allowedOrigins: readonly string[];
  readonly embedKey: string;
  readonly branding: Branding;
  readonly createdAt: number;
}

/** `departments.*` answers. */
export interface DepartmentRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly siteId: string | null;
  readonly createdAt?: number;
}
