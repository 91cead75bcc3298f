import type { Principal } from '@switchboard/sdk';

/** One replayed event, already in the caller's view (egress applied for visitors). */
export interface ReplayedMessage {
  readonly id: string;
  readonly seq: number;
  /** `MessageSnapshot` for users, `VisitorMessage` for visitors. */
  readonly message: unknown;
}

/** What the gateway needs from the chat core to resume and to check subscriptions. */
export interface ReplaySource {
  /**
   * Messages of `conversationId` with seq > `afterSeq` in the principal's own seq space (visitor
   * seqs for visitors), oldest first, at most `limit`. `gap` is true when more than `limit`
   * are missing (the client should refetch over REST). Null when the principal may not see
   * the conversation (missing, other tenant, other visitor): the caller cannot tell which.
   */
  replay(
    principal: Principal,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: ReplayedMessage[]; latestSeq: number; gap: boolean } | null>;
  /** True when the principal may watch the conversation's live events. */
  canWatch(principal: Principal, conversationId: string): Promise<boolean>;
}
