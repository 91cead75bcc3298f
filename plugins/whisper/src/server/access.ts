import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  type ConversationSnapshot,
  type ConversationsService,
  type Principal,
  type UserPrincipal,
  type UserSnapshot,
} from '@switchboard/sdk';

/** The signed-in user behind a request; whispers, threads and monitoring are personal acts. */
export function callerOf(k: { state: { principal?: unknown } }): UserPrincipal {
  const principal = k.state.principal as Principal | null | undefined;
  if (principal?.kind !== 'user') {
    throw new ForbiddenError(
      'Whispers, internal threads and monitoring are done by a signed-in agent, supervisor or ' +
        "admin: send that user's token (the operator token has no user to act as).",
      'WHISPER_USER_REQUIRED',
    );
  }
  return principal;
}

/** A conversation of the tenant, or 404. */
export async function conversationOf(
  conversations: ConversationsService,
  tenantId: string,
  conversationId: string,
): Promise<ConversationSnapshot> {
  const conversation = await conversations.get(tenantId, conversationId);
  if (!conversation) {
    throw new NotFoundError(
      `No conversation "${conversationId}" in your tenant.`,
      'WHISPER_CONVERSATION_NOT_FOUND',
    );
  }
  return conversation;
}

/** A chat in progress (active or idle), or 409 naming its state. */
export function assertInProgress(conversation: ConversationSnapshot, what: string): void {
  if (conversation.state !== 'active' && conversation.state !== 'idle') {
    throw new ConflictError(
      `${what} needs a chat in progress (active or idle); this one is ${conversation.state}.`,
      'WHISPER_CONVERSATION_NOT_LIVE',
      { state: conversation.state },
    );
  }
}

/** An enabled user of the tenant, or 404. */
export async function userOf(
  conversations: ConversationsService,
  tenantId: string,
  userId: string,
): Promise<UserSnapshot> {
  const user = await conversations.user(tenantId, userId);
  if (!user || user.disabled) {
    throw new NotFoundError(`No user "${userId}" in your tenant.`, 'WHISPER_USER_NOT_FOUND');
  }
  return user;
}

/** An integer query parameter in `min..max`, `fallback` when absent; 400 otherwise. */
export function intParam(
  value: unknown,
  name: string,
  min: number,
  max: number,
  fallback: number | undefined,
): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(
      `Query parameter "${name}" must be an integer from ${min} to ${max}, e.g. ?${name}=${Math.min(max, Math.max(min, 50))}.`,
      { parameter: name },
    );
  }
  return n;
}
