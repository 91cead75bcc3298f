import type { Knex } from 'knex';
import { toDisposable, type Disposable, type PluginSettings } from '@switchboard/sdk';
import type { SchemaValidator } from '../validation.js';

const TABLE = 'core_plugin_settings';
const EMPTY_SCHEMA = Object.freeze({ type: 'object' });

/**
 * Per-tenant settings of one plugin, stored as JSON in `core_plugin_settings` and validated
 * against the plugin's `contributes.configuration` schema (defaults applied on read and write).
 */
export class PluginSettingsStore<T = Record<string, unknown>> implements PluginSettings<T> {
  private readonly listeners = new Set<(tenantId: string, value: T) => void>();

  constructor(
    private readonly knex: Knex,
    private readonly validator: SchemaValidator,
    private readonly pluginId: string,
    private readonly schema: object = EMPTY_SCHEMA,
  ) {}

  async get(tenantId: string): Promise<T> {
    const row = (await this.knex(TABLE)
      .where({ tenant_id: tenantId, plugin_id: this.pluginId })
      .first('value')) as { value: string } | undefined;
    const value = row ? (JSON.parse(row.value) as unknown) : {};
    // Stored values were valid when written; a newer schema may add defaults, so apply them.
    this.validator.problems(this.schema, value);
    return value as T;
  }

  async set(tenantId: string, value: unknown): Promise<T> {
    const copy = structuredClone(value);
    const valid = this.validator.validate<T>(
      this.schema,
      copy,
      `settings for plugin "${this.pluginId}"`,
    );
    const row = {
      tenant_id: tenantId,
      plugin_id: this.pluginId,
      value: JSON.stringify(valid),
      updated_at: Date.now(),
    };
    await this.knex(TABLE)
      .insert(row)
      .onConflict(['tenant_id', 'plugin_id'])
      .merge(['value', 'updated_at']);
    for (const listener of [...this.listeners]) listener(tenantId, valid);
    return valid;
  }

  onDidChange(handler: (tenantId: string, value: T) => void): Disposable {
    this.listeners.add(handler);
    return toDisposable(() => this.listeners.delete(handler));
  }
}
