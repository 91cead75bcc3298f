import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Logger, PersonalDataDeclaration } from '@switchboard/sdk';
import type { PluginHost, PluginState } from '../plugins/plugin-host.js';
import { formatProblem, type PluginProblem } from '../plugins/plugin-problem.js';
import { tablePrefix } from '../storage/migrator.js';

/** One table holding visitors' personal data, as the privacy jobs reach it. */
export interface PersonalDataTable {
  /** `core`, or the id of the plugin that declared it. */
  readonly owner: string;
  /** Full table name (plugin tables carry their plugin's prefix). */
  readonly table: string;
  /**
   * How a row belongs to a visitor: `visitor` when `linkColumn` holds the visitor id,
   * `conversation` when it holds the id of one of the visitor's conversations.
   */
  readonly link: 'visitor' | 'conversation';
  readonly linkColumn: string;
  readonly tenantColumn: string | null;
  /** Epoch-ms column retention compares with the cutoff; null: rows go with their visitor. */
  readonly createdAtColumn: string | null;
  /** Columns never exported (credentials such as token hashes). */
  readonly secretColumns: readonly string[];
  /** Columns of an integer type (PostgreSQL returns bigints as text; exports turn them back). */
  readonly integerColumns: ReadonlySet<string>;
  /** Text columns holding JSON (core tables only), parsed in exports. */
  readonly jsonColumns: readonly string[];
}

type TableSpec = Omit<PersonalDataTable, 'integerColumns'>;

/** Which plugins' tables: those in service now, or every configured plugin's. */
export type PersonalDataScope = 'in-service' | 'installed';

/**
 * The core's own personal-data tables, parents first (export order; erase runs it backwards).
 * A new core table with visitor data must be added here, or export and erase miss it.
 */
export const CORE_PERSONAL_DATA: readonly TableSpec[] = Object.freeze([
  core('core_visitors', 'visitor', 'id', 'created_at', ['location', 'custom_data']),
  core('core_page_views', 'visitor', 'visitor_id', 'viewed_at'),
  core('core_conversations', 'visitor', 'visitor_id', 'created_at', ['target', 'prechat']),
  core('core_messages', 'conversation', 'conversation_id', 'created_at', ['metadata']),
  core('core_attachments', 'conversation', 'conversation_id', 'created_at'),
  core('core_conversation_surveys', 'conversation', 'conversation_id', 'created_at'),
  {
    ...core('core_auth_tokens', 'visitor', 'visitor_id', 'created_at'),
    secretColumns: ['token_hash'],
  },
]);

function core(
  table: string,
  link: 'visitor' | 'conversation',
  linkColumn: string,
  createdAtColumn: string,
  jsonColumns: string[] = [],
): TableSpec {
  return {
    owner: 'core',
    table,
    link,
    linkColumn,
    tenantColumn: 'tenant_id',
    createdAtColumn,
    secretColumns: [],
    jsonColumns,
  };
}

/** Plugin states whose tables the privacy jobs reach: the plugin is in service. */
const IN_SERVICE: ReadonlySet<PluginState | undefined> = new Set(['active', 'inactive']);

/**
 * Resolves a declared table name the way `ctx.db.tableName()` does: the plugin's prefix is added
 * unless the name already carries it. A plugin can therefore only ever name its own tables.
 */
export function resolvePluginTable(pluginId: string, table: string): string {
  const prefix = tablePrefix(pluginId);
  return table.startsWith(prefix) ? table : `${prefix}${table}`;
}

/**
 * The kernel's contract with plugins about personal data: the core's own tables plus every
 * declaration in `contributes.personalData` of the plugins in service. Declarations are checked
 * once against the migrated schema; one naming a missing table or column is logged as an error
 * naming the plugin and the fix, and skipped, so one wrong manifest never stops the server. The
 * set of plugins is read from the host on every call, so enabling or disabling a plugin changes
 * which tables export, erase and retention reach.
 */
export class PersonalDataRegistry {
  private validated: Promise<void> | null = null;
  private coreTables: PersonalDataTable[] = [];
  private pluginTables: PersonalDataTable[] = [];
  private found: PluginProblem[] = [];

  constructor(
    private readonly deps: {
      readonly knex: Knex;
      readonly host: Pick<PluginHost, 'list' | 'dirOf' | 'stateOf'>;
      readonly logger: Logger;
    },
  ) {}

  /** Checks every declaration against the schema (once; later calls reuse the result). */
  validate(): Promise<void> {
    this.validated ??= this.check();
    return this.validated;
  }

  /** Problems found in plugins' declarations (those declarations are skipped). */
  async problems(): Promise<readonly PluginProblem[]> {
    await this.validate();
    return this.found;
  }

  /**
   * Personal-data tables, core first (parents first), then plugins'. `in-service` (exports) takes
   * the plugins in service now; `installed` (erase, retention) takes every configured plugin's,
   * whatever its state: a disabled plugin's rows are still stored and must still go, and a
   * foreign key from its table to `core_visitors` would otherwise block the erase.
   */
  async tables(scope: PersonalDataScope = 'in-service'): Promise<PersonalDataTable[]> {
    await this.validate();
    const plugins =
      scope === 'installed'
        ? this.pluginTables
        : this.pluginTables.filter((t) => this.inService(t));
    return [...this.coreTables, ...plugins];
  }

  /** True for core tables and tables of plugins in service (active or awaiting activation). */
  inService(table: PersonalDataTable): boolean {
    return table.owner === 'core' || IN_SERVICE.has(this.deps.host.stateOf(table.owner));
  }

  private async check(): Promise<void> {
    const { knex, host, logger } = this.deps;
    const core: PersonalDataTable[] = [];
    for (const spec of CORE_PERSONAL_DATA) {
      core.push({ ...spec, integerColumns: integerColumns(await knex(spec.table).columnInfo()) });
    }
    const plugins: PersonalDataTable[] = [];
    const problems: PluginProblem[] = [];
    for (const info of host.list()) {
      const declarations = readDeclarations(host.dirOf(info.id));
      const seen = new Set<string>();
      for (const [index, declaration] of declarations.entries()) {
        const result = await checkDeclaration(knex, info.id, index, declaration);
        if ('problem' in result) {
          problems.push(result.problem);
          continue;
        }
        if (seen.has(result.table.table)) {
          problems.push({
            plugin: info.id,
            message: `contributes.personalData[${index}] declares table "${result.table.table}" a second time.`,
            fix: 'declare each table once.',
          });
          continue;
        }
        seen.add(result.table.table);
        plugins.push(result.table);
      }
    }
    for (const problem of problems) {
      logger.error(
        { plugin: problem.plugin, fix: problem.fix },
        `personal data declaration skipped: ${formatProblem(problem)}`,
      );
    }
    this.coreTables = core;
    this.pluginTables = plugins;
    this.found = problems;
  }
}

/** `contributes.personalData` from the plugin's package.json (validated by the host at load). */
function readDeclarations(dir: string | undefined): PersonalDataDeclaration[] {
  if (!dir) return [];
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      switchboard?: { contributes?: { personalData?: PersonalDataDeclaration[] } };
    };
    return pkg.switchboard?.contributes?.personalData ?? [];
  } catch {
    return [];
  }
}

async function checkDeclaration(
  knex: Knex,
  pluginId: string,
  index: number,
  declaration: PersonalDataDeclaration,
): Promise<{ table: PersonalDataTable } | { problem: PluginProblem }> {
  const where = `contributes.personalData[${index}]`;
  const table = resolvePluginTable(pluginId, declaration.table);
  const shown =
    table === declaration.table ? `"${table}"` : `"${declaration.table}" (table "${table}")`;
  if (!(await knex.schema.hasTable(table))) {
    return {
      problem: {
        plugin: pluginId,
        message: `${where} names table ${shown}, which does not exist after migrations.`,
        fix: `create it in a migration under contributes.migrations, or correct "table": the name without the plugin prefix (e.g. "notes") or the full name (e.g. "${tablePrefix(pluginId)}notes").`,
      },
    };
  }
  const columns = await knex(table).columnInfo();
  const missing = (
    [
      ['visitorColumn', declaration.visitorColumn],
      ['conversationColumn', declaration.conversationColumn],
      ['tenantColumn', declaration.tenantColumn],
      ['createdAtColumn', declaration.createdAtColumn],
    ] as const
  ).filter(([, column]) => column !== undefined && !(column in columns));
  if (missing.length > 0) {
    const list = missing.map(([field, column]) => `${field} "${column}"`).join(', ');
    return {
      problem: {
        plugin: pluginId,
        message: `${where} names ${list}, not a column of table "${table}" (columns: ${Object.keys(columns).join(', ')}).`,
        fix: 'correct the column names in contributes.personalData, or add the columns in a migration.',
      },
    };
  }
  return {
    table: {
      owner: pluginId,
      table,
      // The manifest schema lets exactly one of the two through.
      ...(declaration.conversationColumn !== undefined
        ? { link: 'conversation' as const, linkColumn: declaration.conversationColumn }
        : { link: 'visitor' as const, linkColumn: declaration.visitorColumn! }),
      tenantColumn: declaration.tenantColumn ?? null,
      createdAtColumn: declaration.createdAtColumn ?? null,
      secretColumns: [],
      jsonColumns: [],
      integerColumns: integerColumns(columns),
    },
  };
}

function integerColumns(columns: Record<string, Knex.ColumnInfo>): Set<string> {
  return new Set(
    Object.entries(columns)
      .filter(([, info]) => /int/i.test(String(info.type)))
      .map(([name]) => name),
  );
}

/**
 * Rows of `table` that belong to one visitor of one tenant: by the visitor column, or through the
 * visitor's conversations for tables linked to a conversation.
 */
export function visitorRows(
  knex: Knex | Knex.Transaction,
  table: PersonalDataTable,
  tenantId: string,
  visitorId: string,
): Knex.QueryBuilder {
  const query = knex(table.table);
  if (table.link === 'visitor') {
    query.where(table.linkColumn, visitorId);
  } else {
    query.whereIn(
      table.linkColumn,
      knex('core_conversations').select('id').where({ visitor_id: visitorId, tenant_id: tenantId }),
    );
  }
  if (table.tenantColumn) query.where(table.tenantColumn, tenantId);
  return query;
}
