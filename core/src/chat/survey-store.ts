import type { Knex } from 'knex';
import { ConflictError } from '@switchboard/sdk';
import type { ConversationRecord } from './conversation-record.js';
import { num } from './json-column.js';

/** A visitor's exit survey of one conversation. */
export interface Survey {
  readonly conversationId: string;
  /** The agent who had the chat, when one did. */
  readonly agentId: string | null;
  /** 1 (poor) to 5 (excellent). */
  readonly rating: number;
  readonly comment: string | null;
  readonly createdAt: number;
}

/** Exit surveys: one per conversation, written by its visitor. */
export class SurveyStore {
  constructor(private readonly knex: Knex) {}

  /** Records the survey; a second one for the same conversation is refused with 409. */
  async record(
    conversation: ConversationRecord,
    answer: { rating: number; comment?: string },
    now: number,
  ): Promise<Survey> {
    if (conversation.state === 'waiting') {
      throw new ConflictError(
        'This chat has not been answered yet; the survey opens once an agent has joined.',
        'SURVEY_TOO_EARLY',
      );
    }
    const survey: Survey = {
      conversationId: conversation.id,
      agentId: conversation.assignedAgentId,
      rating: answer.rating,
      comment: answer.comment?.trim() || null,
      createdAt: now,
    };
    const inserted = await this.knex('core_conversation_surveys')
      .insert({
        conversation_id: survey.conversationId,
        tenant_id: conversation.tenantId,
        agent_id: survey.agentId,
        rating: survey.rating,
        comment: survey.comment,
        created_at: now,
      })
      .onConflict('conversation_id')
      .ignore()
      .returning('conversation_id');
    if (inserted.length === 0) {
      throw new ConflictError('This chat has already been rated.', 'SURVEY_ALREADY_SENT');
    }
    return survey;
  }

  async get(tenantId: string, conversationId: string): Promise<Survey | null> {
    const row = (await this.knex('core_conversation_surveys')
      .where({ tenant_id: tenantId, conversation_id: conversationId })
      .first()) as Record<string, unknown> | undefined;
    return row
      ? {
          conversationId: row.conversation_id as string,
          agentId: (row.agent_id as string | null) ?? null,
          rating: num(row.rating),
          comment: (row.comment as string | null) ?? null,
          createdAt: num(row.created_at),
        }
      : null;
  }
}
