import type { Knex } from 'knex';
import type { EventBus, Logger, Principal } from '@switchboard/sdk';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttachmentStore } from '../chat/attachment-store.js';
import { ChatTopics, type RevokedPublished } from '../chat/chat-events.js';
import { visitorRows, type PersonalDataRegistry } from './personal-data-registry.js';

/** What an erase removed: rows per table and files on disk. No personal data. */
export interface EraseResult {
  readonly visitorId: string;
  /** Rows deleted, by table name. */
  readonly tables: Readonly<Record<string, number>>;
  readonly attachmentFiles: number;
}

/** A stored file to delete once the rows that named it are gone. */
export interface StoredFile {
  readonly tenantId: string;
  readonly storageKey: string;
}

/**
 * Erases one visitor: every row in the core tables and in the declared tables of every configured
 * plugin (disabled ones too: their rows are still stored),
 * in one transaction (dependants first, so foreign keys hold), with a `visitor.erase` audit entry
 * in the same transaction. After the commit it deletes the attachment files and publishes
 * `auth.revoked` so the visitor's open sockets are cut.
 */
export class VisitorEraser {
  constructor(
    private readonly deps: {
      readonly knex: Knex;
      readonly dialect: 'sqlite' | 'postgres';
      readonly logger: Logger;
      readonly events: EventBus;
      readonly registry: PersonalDataRegistry;
      readonly audit: AuditLog;
      readonly attachments: AttachmentStore;
    },
  ) {}

  /** Erases the visitor; null when the tenant has no such visitor (nothing is touched). */
  async erase(
    tenantId: string,
    visitorId: string,
    actor: Principal | null,
  ): Promise<EraseResult | null> {
    const { knex, dialect, registry, audit } = this.deps;
    const tables = await registry.tables('installed');
    const outcome = await knex.transaction(async (trx) => {
      const visitor = trx('core_visitors')
        .where({ id: visitorId, tenant_id: tenantId })
        .first('id');
      // PostgreSQL: hold the visitor and their conversations, so no conversation or message
      // can be added under our feet (their foreign-key checks wait for the commit).
      if (dialect === 'postgres') visitor.forUpdate();
      if (!(await visitor)) return null;
      if (dialect === 'postgres') {
        await trx('core_conversations')
          .where({ visitor_id: visitorId, tenant_id: tenantId })
          .forUpdate()
          .select('id');
      }
      const files = await filesOf(
        trx,
        trx('core_conversations')
          .select('id')
          .where({ visitor_id: visitorId, tenant_id: tenantId }),
      );
      const counts: Record<string, number> = {};
      for (const table of [...tables].reverse()) {
        counts[table.table] = await visitorRows(trx, table, tenantId, visitorId).delete();
      }
      await audit.record(
        {
          tenantId,
          actor,
          action: 'visitor.erase',
          targetType: 'visitor',
          targetId: visitorId,
          details: { tables: counts, attachmentFiles: files.length },
        },
        trx,
      );
      return { counts, files };
    });
    if (!outcome) return null;
    await deleteFiles(this.deps.attachments, outcome.files, this.deps.logger);
    await this.revoke(tenantId, visitorId);
    return { visitorId, tables: outcome.counts, attachmentFiles: outcome.files.length };
  }

  private async revoke(tenantId: string, visitorId: string): Promise<void> {
    const payload: RevokedPublished = { tenantId, visitorId };
    try {
      await this.deps.events.publish(ChatTopics.revoked, payload);
    } catch (error) {
      this.deps.logger.error({ err: error, tenantId }, 'erase: publishing auth.revoked failed');
    }
  }
}

/** Files of the attachments of the given conversations (a subquery or a list of ids). */
export async function filesOf(
  trx: Knex | Knex.Transaction,
  conversationIds: Knex.QueryBuilder | readonly string[],
): Promise<StoredFile[]> {
  const rows = (await trx('core_attachments')
    .whereIn('conversation_id', conversationIds as readonly string[])
    .select('tenant_id', 'storage_key')) as { tenant_id: string; storage_key: string }[];
  return rows.map((r) => ({ tenantId: r.tenant_id, storageKey: r.storage_key }));
}

/**
 * Deletes files after their rows are committed. A file that cannot be deleted is logged (by its
 * key, never its name) and left for an operator: the rows naming it are gone either way.
 */
export async function deleteFiles(
  store: AttachmentStore,
  files: readonly StoredFile[],
  logger: Logger,
): Promise<void> {
  for (const file of files) {
    try {
      await store.delete(file.tenantId, file.storageKey);
    } catch (error) {
      logger.warn(
        { err: error, tenantId: file.tenantId, storageKey: file.storageKey },
        'privacy: attachment file could not be deleted',
      );
    }
  }
}
