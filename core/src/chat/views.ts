import { InputError, type Principal, type VisitorSnapshot } from '@switchboard/sdk';
import type { ConversationRecord } from './conversation-record.js';
import { toVisitorConversation, toVisitorMessage, type StoredMessage } from './egress.js';
import { toMessageSnapshot } from './message-record.js';

/** A conversation in the caller's view: full for users, egress for visitors. */
export function conversationView(principal: Principal, record: ConversationRecord): unknown {
  return principal.kind === 'visitor'
    ? toVisitorConversation(record, record.lastVisitorSeq)
    : record;
}

/** A message in the caller's view (null when a visitor may not see it). */
export function messageView(principal: Principal, message: StoredMessage): unknown {
  return principal.kind === 'visitor' ? toVisitorMessage(message) : toMessageSnapshot(message);
}

/** What a visitor may see of their own record: no agent-side fields. */
export function ownVisitorView(visitor: VisitorSnapshot): Record<string, unknown> {
  return {
    id: visitor.id,
    siteId: visitor.siteId,
    name: visitor.name,
    email: visitor.email,
    customData: visitor.customData,
  };
}

/** Opaque keyset cursor over (createdAt, id). */
export function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([a-z0-9_]{1,40})$/.exec(text);
  if (!match)
    throw new InputError(
      'The cursor is not valid; pass back the `nextCursor` you were given.',
      undefined,
      'CURSOR_INVALID',
    );
  return { at: Number(match[1]), id: match[2]! };
}
