import type { Knex } from 'knex';
import { ConflictError, InputError, NotFoundError, type Clock } from '@switchboard/sdk';
import { newId } from '../chat/ids.js';
import { num, readJson, writeJson } from '../chat/json-column.js';
import type { SiteService } from './site-service.js';

/** A department (sales, support...): a routing target users belong to, optionally per site. */
export interface DepartmentRecord {
  readonly id: string;
  readonly tenantId: string;
  /** The site it serves; null for every site of the tenant. */
  readonly siteId: string | null;
  readonly name: string;
  readonly createdAt: number;
}

/** The 404 for a department that does not exist in the caller's tenant. */
export function departmentNotFound(departmentId: string): NotFoundError {
  return new NotFoundError(`No department "${departmentId}".`, 'DEPARTMENT_NOT_FOUND');
}

/** Departments: `core_departments`, scoped by tenant. */
export class DepartmentService {
  constructor(
    private readonly knex: Knex,
    private readonly clock: Clock,
    private readonly sites: SiteService,
  ) {}

  /** Departments of `tenantId`, by name. */
  async list(tenantId: string): Promise<DepartmentRecord[]> {
    const rows = await this.knex('core_departments')
      .where({ tenant_id: tenantId })
      .orderBy([
        { column: 'name', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toRecord);
  }

  async get(
    tenantId: string,
    departmentId: string,
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<DepartmentRecord | null> {
    const row = await db('core_departments')
      .where({ id: departmentId, tenant_id: tenantId })
      .first();
    return row ? toRecord(row) : null;
  }

  /** The ids among `ids` that are not departments of `tenantId`. */
  async unknownIds(
    tenantId: string,
    ids: readonly string[],
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const found = new Set(
      (await db('core_departments')
        .where({ tenant_id: tenantId })
        .whereIn('id', [...ids])
        .pluck('id')) as string[],
    );
    return ids.filter((id) => !found.has(id));
  }

  async create(
    tenantId: string,
    input: { name: string; siteId?: string | null },
  ): Promise<DepartmentRecord> {
    await this.checkSite(tenantId, input.siteId ?? null);
    const now = this.clock.now();
    return this.knex.transaction(async (trx) => {
      await this.checkNameFree(trx, tenantId, input.name, null);
      const row = {
        id: newId('dep', now),
        tenant_id: tenantId,
        site_id: input.siteId ?? null,
        name: input.name,
        created_at: now,
      };
      await trx('core_departments').insert(row);
      return toRecord(row);
    });
  }

  /** Applies `patch`; resolves with the department before and after. */
  async update(
    tenantId: string,
    departmentId: string,
    patch: { name?: string; siteId?: string | null },
  ): Promise<{ before: DepartmentRecord; after: DepartmentRecord }> {
    if (patch.siteId !== undefined) await this.checkSite(tenantId, patch.siteId);
    return this.knex.transaction(async (trx) => {
      const before = await this.get(tenantId, departmentId, trx);
      if (!before) throw departmentNotFound(departmentId);
      const changes: Record<string, unknown> = {};
      if (patch.name !== undefined && patch.name !== before.name) {
        await this.checkNameFree(trx, tenantId, patch.name, departmentId);
        changes.name = patch.name;
      }
      if (patch.siteId !== undefined) changes.site_id = patch.siteId;
      if (Object.keys(changes).length > 0) {
        await trx('core_departments')
          .where({ id: departmentId, tenant_id: tenantId })
          .update(changes);
      }
      return { before, after: (await this.get(tenantId, departmentId, trx))! };
    });
  }

  /**
   * Deletes a department and takes it off its users. Conversations keep the id they were routed
   * with (history stays as it was).
   */
  async delete(tenantId: string, departmentId: string): Promise<DepartmentRecord> {
    return this.knex.transaction(async (trx) => {
      const existing = await this.get(tenantId, departmentId, trx);
      if (!existing) throw departmentNotFound(departmentId);
      const users = await trx('core_users')
        .where({ tenant_id: tenantId })
        .where('department_ids', 'like', `%${departmentId}%`)
        .select('id', 'department_ids');
      for (const user of users) {
        const ids = readJson<string[]>(user.department_ids, []);
        if (!ids.includes(departmentId)) continue;
        await trx('core_users')
          .where({ id: user.id, tenant_id: tenantId })
          .update({ department_ids: writeJson(ids.filter((id) => id !== departmentId)) });
      }
      await trx('core_departments').where({ id: departmentId, tenant_id: tenantId }).delete();
      return existing;
    });
  }

  private async checkSite(tenantId: string, siteId: string | null): Promise<void> {
    if (siteId !== null && !(await this.sites.get(tenantId, siteId))) {
      throw new InputError(
        `No site "${siteId}" in this tenant: use the id of one of your sites (GET /api/v1/sites), or null for all sites.`,
        { field: 'siteId' },
        'DEPARTMENT_SITE_UNKNOWN',
      );
    }
  }

  private async checkNameFree(
    trx: Knex.Transaction,
    tenantId: string,
    name: string,
    except: string | null,
  ): Promise<void> {
    const query = trx('core_departments').where({ tenant_id: tenantId, name });
    if (except) query.whereNot({ id: except });
    if (await query.first('id')) {
      throw new ConflictError(
        `A department named "${name}" exists already; pick another name.`,
        'DEPARTMENT_NAME_TAKEN',
      );
    }
  }
}

function toRecord(row: Record<string, unknown>): DepartmentRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    siteId: (row.site_id as string | null) ?? null,
    name: row.name as string,
    createdAt: num(row.created_at),
  };
}
