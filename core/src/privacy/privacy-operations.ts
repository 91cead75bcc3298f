import {
  ForbiddenError,
  NotFoundError,
  Permissions,
  hasPermission,
  type Principal,
} from '@switchboard/sdk';
import type { Knex } from 'knex';
import {
  defineOperation,
  RawResponse,
  type Operation,
  type OperationCall,
} from '../api/operation.js';
import { listAudit, type AuditPage } from './audit-query.js';
import type { PersonalDataRegistry } from './personal-data-registry.js';
import { XML_TYPE } from './privacy-xml.js';
import type { RetentionJob, RetentionReport } from './retention-job.js';
import {
  transcriptFilename,
  transcriptXml,
  type Transcript,
  type TranscriptReader,
} from './transcript.js';
import type { EraseResult, VisitorEraser } from './visitor-eraser.js';
import {
  exportFilename,
  visitorExportXml,
  type VisitorExport,
  type VisitorExporter,
} from './visitor-export.js';

/** What the privacy operations work with. */
export interface PrivacyServices {
  readonly knex: Knex;
  readonly registry: PersonalDataRegistry;
  readonly transcripts: TranscriptReader;
  readonly exporter: VisitorExporter;
  readonly eraser: VisitorEraser;
  readonly retention: RetentionJob;
}

const id = { type: 'string', minLength: 1, maxLength: 40 } as const;
const format = { type: 'string', enum: ['json', 'xml'], default: 'json' } as const;
/** Only the system principal names a tenant; a user or visitor always acts in their own. */
const tenantId = {
  ...id,
  description: 'Tenant to act in: required for the system principal, else your own tenant.',
} as const;

type Format = 'json' | 'xml';

const conversationNotFound = (conversationId: string): never => {
  throw new NotFoundError(`No conversation "${conversationId}".`, 'CONVERSATION_NOT_FOUND');
};
const visitorNotFound = (visitorId: string): never => {
  throw new NotFoundError(`No visitor "${visitorId}".`, 'VISITOR_NOT_FOUND');
};
const tenantNotFound = (tenant: string): never => {
  throw new NotFoundError(`No tenant "${tenant}".`, 'TENANT_NOT_FOUND');
};

/**
 * The tenant a call acts in. A user or visitor acts in their own tenant only: naming another one
 * answers exactly what a missing thing answers (`notFound`), so tenants cannot be probed. The
 * system principal must name one.
 */
function tenantOf(
  principal: Principal,
  requested: string | undefined,
  notFound: () => never,
): string {
  if (principal.kind === 'system') {
    if (!requested) {
      // Same answer as the accounts area gives (core/src/accounts/tenant-scope.ts).
      throw new ForbiddenError(
        'Name the tenant: add the "tenantId" field (a query parameter on GET and DELETE).',
        'TENANT_REQUIRED',
      );
    }
    return requested;
  }
  if (requested !== undefined && requested !== principal.tenantId) notFound();
  return principal.tenantId;
}

/** The privacy and audit operations (REST routes and socket frames alike). */
export function privacyOperations(services: PrivacyServices): Operation[] {
  const { knex, registry, transcripts, exporter, eraser, retention } = services;

  const transcript = defineOperation<
    { conversationId: string; format: Format; tenantId?: string },
    Transcript | RawResponse
  >({
    name: 'conversations.transcript',
    summary:
      "A conversation's transcript, JSON or XML: agents get every message (internal ones marked), a visitor gets the public view of their own conversation.",
    // Agents need conversation.read, visitors may read only their own: checked in the handler.
    permission: null,
    principals: ['user', 'system', 'visitor'],
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['conversationId'],
      properties: { conversationId: id, format, tenantId },
    },
    http: { method: 'GET', path: '/api/v1/conversations/:conversationId/transcript' },
    async handler(call) {
      const { principal, input } = call as OperationCall<typeof call.input>;
      const missing = () => conversationNotFound(input.conversationId);
      const tenant = tenantOf(principal, input.tenantId, missing);
      let view: Transcript | null;
      if (principal.kind === 'visitor') {
        requirePermission(principal, Permissions.VisitorChat);
        view = await transcripts.visitorView(tenant, principal.visitorId, input.conversationId);
      } else {
        requirePermission(principal, Permissions.ConversationRead);
        view = await transcripts.agentView(tenant, input.conversationId);
      }
      if (!view) return missing();
      if (input.format === 'xml') {
        return new RawResponse(
          XML_TYPE,
          await transcriptXml(view),
          transcriptFilename(view, 'xml'),
        );
      }
      return view;
    },
  });

  const exportVisitor = defineOperation<
    { visitorId: string; format: Format; tenantId?: string },
    VisitorExport | RawResponse
  >({
    name: 'privacy.exportVisitor',
    summary:
      'Everything stored about one visitor (core and plugin tables), JSON or XML; audited as visitor.export.',
    permission: Permissions.PrivacyManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['visitorId'],
      properties: { visitorId: id, format, tenantId },
    },
    http: { method: 'GET', path: '/api/v1/visitors/:visitorId/export' },
    async handler(call) {
      const { principal, input } = call as OperationCall<typeof call.input>;
      const missing = () => visitorNotFound(input.visitorId);
      const tenant = tenantOf(principal, input.tenantId, missing);
      const data = await exporter.export(tenant, input.visitorId, principal);
      if (!data) return missing();
      if (input.format === 'xml') {
        return new RawResponse(XML_TYPE, await visitorExportXml(data), exportFilename(data, 'xml'));
      }
      return data;
    },
  });

  const eraseVisitor = defineOperation<{ visitorId: string; tenantId?: string }, EraseResult>({
    name: 'privacy.eraseVisitor',
    summary:
      'Erases every row of one visitor (core and plugin tables) and their files, revokes their sessions; audited as visitor.erase with row counts.',
    permission: Permissions.PrivacyManage,
    input: {
      type: 'object',
      additionalProperties: false,
      required: ['visitorId'],
      properties: { visitorId: id, tenantId },
    },
    http: { method: 'DELETE', path: '/api/v1/visitors/:visitorId' },
    async handler(call) {
      const { principal, input } = call as OperationCall<typeof call.input>;
      const missing = () => visitorNotFound(input.visitorId);
      const tenant = tenantOf(principal, input.tenantId, missing);
      return (await eraser.erase(tenant, input.visitorId, principal)) ?? missing();
    },
  });

  const runRetention = defineOperation<{ tenantId?: string }, RetentionReport>({
    name: 'privacy.runRetention',
    summary:
      'Runs the retention pass now: your tenant, or for the system principal the named tenant or every tenant.',
    permission: Permissions.PrivacyManage,
    input: { type: 'object', additionalProperties: false, properties: { tenantId } },
    http: { method: 'POST', path: '/api/v1/privacy/retention' },
    async handler(call) {
      const { principal, input } = call as OperationCall<typeof call.input>;
      let tenant: string | undefined;
      if (principal.kind === 'system') {
        tenant = input.tenantId;
      } else {
        tenant = tenantOf(principal, input.tenantId, () => tenantNotFound(input.tenantId!));
      }
      if (tenant !== undefined && !(await knex('core_tenants').where({ id: tenant }).first('id'))) {
        tenantNotFound(tenant);
      }
      return retention.run({ tenantId: tenant, actor: principal, trigger: 'request' });
    },
  });

  const listTables = defineOperation<
    Record<string, never>,
    { tables: object[]; problems: object[] }
  >({
    name: 'privacy.tables',
    summary:
      'The personal-data tables (core and every configured plugin; export reaches those in service), and skipped plugin declarations.',
    permission: Permissions.PrivacyManage,
    input: { type: 'object', additionalProperties: false, properties: {} },
    http: { method: 'GET', path: '/api/v1/privacy/tables' },
    async handler() {
      const tables = (await registry.tables('installed')).map((t) => ({
        owner: t.owner,
        /** False for a plugin out of service: erase and retention still reach it, export not. */
        inService: registry.inService(t),
        table: t.table,
        link: t.link,
        linkColumn: t.linkColumn,
        tenantColumn: t.tenantColumn,
        createdAtColumn: t.createdAtColumn,
      }));
      return { tables, problems: [...(await registry.problems())] };
    },
  });

  const auditList = defineOperation<
    { limit: number; cursor?: string; action?: string; tenantId?: string },
    AuditPage
  >({
    name: 'audit.list',
    summary:
      "The audit log, newest first, a page at a time (cursor); your tenant's entries, or for the system principal every entry or one tenant's.",
    permission: Permissions.AuditRead,
    input: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        cursor: { type: 'string', minLength: 1, maxLength: 200 },
        action: { type: 'string', minLength: 1, maxLength: 60 },
        tenantId,
      },
    },
    http: { method: 'GET', path: '/api/v1/audit' },
    async handler(call) {
      const { principal, input } = call as OperationCall<typeof call.input>;
      let tenant: string | null;
      if (principal.kind === 'system') {
        tenant = input.tenantId ?? null;
      } else {
        // Another tenant's log reads as an empty one, like a tenant with no entries.
        if (input.tenantId !== undefined && input.tenantId !== principal.tenantId) {
          return { entries: [], nextCursor: null };
        }
        tenant = principal.tenantId;
      }
      return listAudit(knex, {
        tenantId: tenant,
        limit: input.limit,
        cursor: input.cursor,
        action: input.action,
      });
    },
  });

  return [transcript, exportVisitor, eraseVisitor, runRetention, listTables, auditList];
}

function requirePermission(principal: Principal, permission: string): void {
  if (!hasPermission(principal, permission)) {
    throw new ForbiddenError(`This needs the "${permission}" permission.`, 'AUTH_FORBIDDEN', {
      permission,
    });
  }
}
