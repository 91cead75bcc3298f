import type { Knex } from 'knex';
import type { Clock, Principal } from '@switchboard/sdk';
import type { AuditLog } from '../audit/audit-log.js';
import { readJson } from '../chat/json-column.js';
import {
  visitorRows,
  type PersonalDataRegistry,
  type PersonalDataTable,
} from './personal-data-registry.js';
import { attrs, isoTime, xmlDocument, xmlText } from './privacy-xml.js';

/** One table's rows about the visitor. */
export interface VisitorExportTable {
  readonly table: string;
  /** `core` or the plugin id. */
  readonly owner: string;
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * Everything stored about one visitor, table by table, as stored (agents' view: internal notes
 * included). Credentials (token hashes) are left out; bigints are numbers and JSON columns of
 * core tables are parsed, so sqlite and PostgreSQL export alike.
 */
export interface VisitorExport {
  readonly visitorId: string;
  readonly tenantId: string;
  readonly generatedAt: number;
  readonly tables: readonly VisitorExportTable[];
}

/** Collects a visitor's personal data from the core tables and every plugin's tables. */
export class VisitorExporter {
  constructor(
    private readonly deps: {
      readonly knex: Knex;
      readonly clock: Clock;
      readonly registry: PersonalDataRegistry;
      readonly audit: AuditLog;
    },
  ) {}

  /**
   * The visitor's data, or null when the tenant has no such visitor. Records `visitor.export` in
   * the audit log (row counts only) with `actor` as the one who asked.
   */
  async export(
    tenantId: string,
    visitorId: string,
    actor: Principal | null,
  ): Promise<VisitorExport | null> {
    const { knex, clock, registry, audit } = this.deps;
    const exists = await knex('core_visitors')
      .where({ id: visitorId, tenant_id: tenantId })
      .first('id');
    if (!exists) return null;
    const tables: VisitorExportTable[] = [];
    for (const table of await registry.tables()) {
      const query = visitorRows(knex, table, tenantId, visitorId);
      if (table.createdAtColumn) query.orderBy(table.createdAtColumn, 'asc');
      const rows = (await query.select()) as Record<string, unknown>[];
      tables.push({
        table: table.table,
        owner: table.owner,
        rows: rows.map((r) => clean(table, r)),
      });
    }
    await audit.record({
      tenantId,
      actor,
      action: 'visitor.export',
      targetType: 'visitor',
      targetId: visitorId,
      details: { tables: Object.fromEntries(tables.map((t) => [t.table, t.rows.length])) },
    });
    return { visitorId, tenantId, generatedAt: clock.now(), tables };
  }
}

/** A row as exported: secrets dropped, integers as numbers, JSON parsed, bytes as base64. */
function clean(table: PersonalDataTable, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (table.secretColumns.includes(column)) continue;
    out[column] = cleanValue(table, column, value);
  }
  return out;
}

function cleanValue(table: PersonalDataTable, column: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (table.jsonColumns.includes(column)) return readJson<unknown>(value, value);
  if (typeof value === 'string' && table.integerColumns.has(column) && /^-?\d{1,15}$/.test(value)) {
    return Number(value);
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  return value;
}

/** File name for an export download. */
export function exportFilename(data: VisitorExport, format: 'json' | 'xml'): string {
  return `visitor-${data.visitorId}.${format}`;
}

/**
 * An export as XML: `<visitorExport>` with one `<table name owner rows>` per table, one `<row>`
 * per row and one `<field name>` per column (`null="true"` for nulls, `type="json"` for objects).
 */
export async function visitorExportXml(data: VisitorExport): Promise<string> {
  const root = await xmlDocument('visitorExport');
  attrs(root, {
    visitorId: data.visitorId,
    tenantId: data.tenantId,
    generatedAt: isoTime(data.generatedAt),
  });
  for (const table of data.tables) {
    const node = attrs(root.ele('table'), {
      name: table.table,
      owner: table.owner,
      rows: table.rows.length,
    });
    for (const row of table.rows) {
      const rowNode = node.ele('row');
      for (const [column, value] of Object.entries(row)) {
        const field = rowNode.ele('field').att('name', column);
        if (value === null || value === undefined) field.att('null', 'true');
        else if (typeof value === 'object') field.att('type', 'json').txt(JSON.stringify(value));
        else field.txt(String(value));
      }
    }
  }
  return xmlText(root);
}
