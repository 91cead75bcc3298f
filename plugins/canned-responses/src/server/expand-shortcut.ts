import type { MessageDraft, PluginSettings } from '@switchboard/sdk';
import type { CannedResponsesSettings } from '../common/schemas.js';
import type { CannedResponseStore } from './canned-response-store.js';

/**
 * `session.beforeMessage` tap: an agent's public text message that is exactly a shortcut
 * (trigger + shortcut, e.g. "/hours") is replaced by the saved answer. Visitors' messages are
 * never expanded, so a visitor cannot make the agent "say" a saved text.
 */
export function expandShortcut(
  store: CannedResponseStore,
  settings: PluginSettings<CannedResponsesSettings>,
) {
  return async (draft: MessageDraft): Promise<MessageDraft> => {
    if (draft.author.kind !== 'agent' || draft.kind !== 'text') return draft;
    const { trigger, expandInMessages } = await settings.get(draft.tenantId);
    const body = draft.body.trim();
    if (!expandInMessages || !body.startsWith(trigger)) return draft;
    const saved = await store.find(draft.tenantId, body.slice(trigger.length));
    if (!saved) return draft;
    return {
      ...draft,
      body: saved.text,
      metadata: { ...draft.metadata, cannedResponseId: saved.id },
    };
  };
}
