import type { Knex } from 'knex';
import { ConflictError, type Clock } from '@switchboard/sdk';
import type { TokenService } from '../auth/token-service.js';
import { newId } from '../chat/ids.js';
import { bool, num, readJson, writeJson } from '../chat/json-column.js';
import { isUniqueViolation } from './unique-violation.js';
import { tenantNotFound } from './tenant-scope.js';

/** Per-tenant overrides of server defaults; an absent key means "use the default". */
export interface TenantSettings {
  /** Transcript retention, days (default `chat.retentionDays`). */
  readonly retentionDays?: number;
  /** Capacity given to new users when none is named (default 3). */
  readonly defaultCapacity?: number;
}

/** The settings in effect: overrides over server defaults. */
export interface EffectiveTenantSettings {
  readonly retentionDays: number;
  readonly defaultCapacity: number;
}

/** A tenant (one customer account of the server). */
export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  /** Overrides as stored. */
  readonly settings: TenantSettings;
  /** What applies: overrides over server defaults. */
  readonly effectiveSettings: EffectiveTenantSettings;
  readonly disabled: boolean;
  readonly createdAt: number;
}

/** A change to a tenant; a setting set to null goes back to the server default. */
export interface TenantPatch {
  readonly name?: string;
  readonly settings?: {
    readonly retentionDays?: number | null;
    readonly defaultCapacity?: number | null;
  };
  readonly disabled?: boolean;
}

/** Capacity of a new user when neither the request nor the tenant names one. */
export const DEFAULT_CAPACITY = 3;

/** Tenants: `core_tenants`. Every other accounts table hangs off a tenant id. */
export class TenantService {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
    private readonly defaults: { readonly retentionDays: number },
    private readonly tokens: TokenService,
  ) {}

  /** Creates a tenant; `id` is generated unless given (the first-start tenant is `default`). */
  async create(
    input: { name: string; settings?: TenantSettings; id?: string },
    trx?: Knex.Transaction,
  ): Promise<TenantRecord> {
    const now = this.clock.now();
    const id = input.id ?? newId('ten', now);
    const settings = clean(input.settings ?? {});
    try {
      await (trx ?? this.knex)('core_tenants').insert({
        id,
        name: input.name,
        settings: writeJson(settings),
        disabled: false,
        created_at: now,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`A tenant "${id}" exists already.`, 'TENANT_EXISTS');
      }
      throw error;
    }
    return this.toRecord({ id, name: input.name, settings, disabled: false, created_at: now });
  }

  async get(
    tenantId: string,
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<TenantRecord | null> {
    const row = await db('core_tenants').where({ id: tenantId }).first();
    return row ? this.toRecord(row) : null;
  }

  /** Every tenant, oldest first. */
  async list(): Promise<TenantRecord[]> {
    const rows = await this.knex('core_tenants').orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    return rows.map((row) => this.toRecord(row));
  }

  /** True when at least one tenant exists. */
  async any(db: Knex | Knex.Transaction = this.knex): Promise<boolean> {
    return Boolean(await db('core_tenants').first('id'));
  }

  /**
   * Applies `patch`; resolves with the tenant before and after. 404 when it does not exist.
   * Disabling a tenant revokes every token of it, so its users and visitors are cut at once.
   */
  async update(
    tenantId: string,
    patch: TenantPatch,
  ): Promise<{ before: TenantRecord; after: TenantRecord }> {
    const result = await this.knex.transaction(async (trx) => {
      const row = await trx('core_tenants').where({ id: tenantId }).forUpdate().first();
      if (!row) throw tenantNotFound(tenantId);
      const before = this.toRecord(row);
      const settings: Record<string, number> = { ...before.settings };
      for (const [key, value] of Object.entries(patch.settings ?? {})) {
        if (value === null || value === undefined) delete settings[key];
        else settings[key] = value;
      }
      const changes: Record<string, unknown> = { settings: writeJson(clean(settings)) };
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.disabled !== undefined) changes.disabled = patch.disabled;
      await trx('core_tenants').where({ id: tenantId }).update(changes);
      const after = this.toRecord(await trx('core_tenants').where({ id: tenantId }).first());
      return { before, after };
    });
    if (result.after.disabled && !result.before.disabled) await this.tokens.revokeTenant(tenantId);
    return result;
  }

  /**
   * Settings in effect for `tenantId`: its overrides over the server defaults. A missing tenant
   * gets the defaults.
   */
  async settings(
    tenantId: string,
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<EffectiveTenantSettings> {
    const row = await db('core_tenants').where({ id: tenantId }).first('settings');
    return this.effective(readJson<TenantSettings>(row?.settings, {}));
  }

  private effective(settings: TenantSettings): EffectiveTenantSettings {
    return {
      retentionDays: settings.retentionDays ?? this.defaults.retentionDays,
      defaultCapacity: settings.defaultCapacity ?? DEFAULT_CAPACITY,
    };
  }

  private toRecord(row: Record<string, unknown>): TenantRecord {
    const settings = clean(readJson<TenantSettings>(row.settings, {}));
    return {
      id: row.id as string,
      name: row.name as string,
      settings,
      effectiveSettings: this.effective(settings),
      disabled: bool(row.disabled),
      createdAt: num(row.created_at),
    };
  }
}

/** Keeps only known, numeric settings. */
function clean(settings: TenantSettings): TenantSettings {
  const out: { retentionDays?: number; defaultCapacity?: number } = {};
  if (typeof settings.retentionDays === 'number') out.retentionDays = settings.retentionDays;
  if (typeof settings.defaultCapacity === 'number') out.defaultCapacity = settings.defaultCapacity;
  return out;
}
