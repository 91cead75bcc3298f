import Router from '@koa/router';
import getRawBody from 'raw-body';
import type { Knex } from 'knex';
import {
  InputError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
  type Clock,
  type Principal,
} from '@switchboard/sdk';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { AttachmentStore } from './attachment-store.js';
import type { ConversationService } from './conversation-service.js';
import { newId } from './ids.js';
import { num } from './json-column.js';
import type { MessageService } from './message-service.js';
import { messageView } from './views.js';

export interface AttachmentRouteDeps {
  readonly knex: Knex;
  readonly clock: Clock;
  readonly store: AttachmentStore;
  readonly conversations: ConversationService;
  readonly messages: MessageService;
  readonly limiter: RateLimiter;
  readonly maxBytes: number;
  readonly allowedTypes: readonly string[];
}

/**
 * File attachments: uploaded as a raw body (`Content-Type: application/octet-stream`, name and
 * type in the query), stored on disk, announced as a `file` message, and served only as a
 * download (`Content-Disposition: attachment`, `nosniff`, a sandboxing CSP), never inline. A
 * visitor can fetch only public attachments of their own conversations.
 */
export function attachmentRoutes(deps: AttachmentRouteDeps): Router {
  const router = new Router();

  router.post('/api/v1/conversations/:conversationId/attachments', async (ctx) => {
    const principal = requirePrincipal(ctx.state.principal);
    await deps.limiter.consume('upload', ctx.ip);
    const conversation = await deps.conversations.visibleTo(principal, ctx.params.conversationId!);
    const filename = cleanFilename(String(ctx.query.filename ?? ''));
    const contentType = String(ctx.query.contentType ?? '').toLowerCase();
    if (!deps.allowedTypes.includes(contentType)) {
      throw new InputError(
        `Files of type "${contentType || '(none)'}" are not accepted; allowed: ${deps.allowedTypes.join(', ')}.`,
        { allowed: deps.allowedTypes },
        'ATTACHMENT_TYPE_REFUSED',
      );
    }
    const visibility = ctx.query.visibility === 'internal' ? 'internal' : 'public';
    const clientMessageId =
      typeof ctx.query.clientMessageId === 'string' ? ctx.query.clientMessageId : undefined;
    if (clientMessageId !== undefined && !/^[A-Za-z0-9_.:-]{1,64}$/.test(clientMessageId)) {
      throw new InputError('clientMessageId: 1–64 letters, digits or _.:-');
    }
    if (!ctx.is('application/octet-stream')) {
      throw new InputError(
        'Send the file as the raw body with "Content-Type: application/octet-stream".',
        undefined,
        'ATTACHMENT_BODY',
      );
    }
    const declared = Number(ctx.get('content-length') || 0);
    if (declared > deps.maxBytes) throw tooLarge(deps.maxBytes);
    let bytes: Buffer;
    try {
      bytes = await getRawBody(ctx.req, { limit: deps.maxBytes });
    } catch (error) {
      if ((error as { type?: string }).type === 'entity.too.large') throw tooLarge(deps.maxBytes);
      throw new InputError('The upload could not be read.', undefined, 'ATTACHMENT_BODY');
    }
    if (bytes.length === 0)
      throw new InputError('The file is empty.', undefined, 'ATTACHMENT_EMPTY');

    const now = deps.clock.now();
    const id = newId('att', now);
    const key = await deps.store.put(conversation.tenantId, bytes);
    await deps.knex('core_attachments').insert({
      id,
      tenant_id: conversation.tenantId,
      conversation_id: conversation.id,
      filename,
      content_type: contentType,
      size: bytes.length,
      storage_key: key,
      visibility,
      uploaded_by_kind: principal.kind,
      uploaded_by_id:
        principal.kind === 'user'
          ? principal.userId
          : principal.kind === 'visitor'
            ? principal.visitorId
            : null,
      created_at: now,
    });
    try {
      const appended = await deps.messages.send(principal, {
        conversationId: conversation.id,
        body: filename,
        visibility,
        ...(clientMessageId ? { clientMessageId } : {}),
        attachment: { id, filename, contentType, size: bytes.length },
      });
      if (appended.duplicate) {
        await dropAttachment(deps, conversation.tenantId, id, key);
      } else {
        await deps
          .knex('core_attachments')
          .where({ id })
          .update({ message_id: appended.message.id });
      }
      ctx.status = 201;
      ctx.body = {
        duplicate: appended.duplicate,
        message: messageView(principal, appended.message),
      };
    } catch (error) {
      await dropAttachment(deps, conversation.tenantId, id, key);
      throw error;
    }
  });

  router.get('/api/v1/attachments/:attachmentId', async (ctx) => {
    const principal = requirePrincipal(ctx.state.principal);
    const row = (await deps
      .knex('core_attachments')
      .where({ id: ctx.params.attachmentId })
      .first()) as Record<string, unknown> | undefined;
    const missing = new NotFoundError('No such attachment.', 'ATTACHMENT_NOT_FOUND');
    if (!row) throw missing;
    try {
      await deps.conversations.visibleTo(principal, row.conversation_id as string);
    } catch {
      throw missing;
    }
    if (principal.kind === 'visitor' && row.visibility !== 'public') throw missing;
    const file = await deps.store.get(row.tenant_id as string, row.storage_key as string);
    if (!file) throw missing;
    ctx.set('Content-Type', String(row.content_type));
    ctx.set('Content-Length', String(num(row.size)));
    ctx.attachment(String(row.filename), { type: 'attachment' });
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = file.stream;
  });

  return router;
}

function requirePrincipal(principal: Principal | null | undefined): Principal {
  if (!principal) throw new UnauthorizedError();
  return principal;
}

function tooLarge(max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    `Attachments may be at most ${max} bytes.`,
    'ATTACHMENT_TOO_LARGE',
  );
}

/** A display name only: no path, no control characters, bounded length. */
export function cleanFilename(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '_')
    .trim()
    .slice(0, 200);
  if (!clean || clean === '.' || clean === '..')
    throw new InputError(
      'Give the file a name: ?filename=report.pdf',
      undefined,
      'ATTACHMENT_NAME',
    );
  return clean;
}

async function dropAttachment(
  deps: AttachmentRouteDeps,
  tenantId: string,
  id: string,
  key: string,
): Promise<void> {
  await deps.knex('core_attachments').where({ id }).del();
  await deps.store.delete(tenantId, key);
}
