import type { Disposable } from './disposable.js';

/**
 * Per-tenant settings of one plugin, validated against the JSON Schema the plugin contributes in
 * `contributes.configuration`. Defaults from the schema fill missing keys.
 * @public
 */
export interface PluginSettings<T = Record<string, unknown>> {
  /** The tenant's settings with schema defaults applied. */
  get(tenantId: string): Promise<T>;
  /** Validates and stores settings; throws `InputError` listing every problem. */
  set(tenantId: string, value: unknown): Promise<T>;
  /** Called after a tenant's settings changed. */
  onDidChange(handler: (tenantId: string, value: T) => void): Disposable;
}
