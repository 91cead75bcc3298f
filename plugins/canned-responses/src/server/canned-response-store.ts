import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type Clock, type PluginDatabase } from '@switchboard/sdk';
import type { CannedResponse } from '../common/schemas.js';

interface Row {
  id: string;
  tenant_id: string;
  shortcut: string;
  text: string;
  created_at: number | string;
}

const toResponse = (r: Row): CannedResponse => ({
  id: r.id,
  shortcut: r.shortcut,
  text: r.text,
  createdAt: Number(r.created_at),
});

/** Saved answers of each tenant, in the plugin's own table. */
export class CannedResponseStore {
  constructor(
    private readonly db: PluginDatabase,
    private readonly clock: Clock,
  ) {}

  async list(tenantId: string): Promise<CannedResponse[]> {
    const rows = (await this.db
      .table<Row>('items')
      .where({ tenant_id: tenantId })
      .orderBy('shortcut')) as Row[];
    return rows.map(toResponse);
  }

  async find(tenantId: string, shortcut: string): Promise<CannedResponse | undefined> {
    const row = (await this.db
      .table<Row>('items')
      .where({ tenant_id: tenantId, shortcut })
      .first()) as Row | undefined;
    return row ? toResponse(row) : undefined;
  }

  async create(tenantId: string, shortcut: string, text: string): Promise<CannedResponse> {
    if (await this.find(tenantId, shortcut)) {
      throw new ConflictError(
        `Shortcut "${shortcut}" already exists; pick another or delete it first.`,
        'CANNED_RESPONSES_DUPLICATE',
      );
    }
    const row: Row = {
      id: randomUUID(),
      tenant_id: tenantId,
      shortcut,
      text,
      created_at: this.clock.now(),
    };
    await this.db.table('items').insert(row);
    return toResponse(row);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    const deleted = await this.db.table('items').where({ tenant_id: tenantId, id }).delete();
    if (deleted === 0)
      throw new NotFoundError(`No canned response ${id}.`, 'CANNED_RESPONSES_NOT_FOUND');
  }
}
