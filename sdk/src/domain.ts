/**
 * Snapshots of the chat domain handed to hooks. They are plain, read-only copies: changing one
 * changes nothing in the store; use the kernel's services for that.
 */

/** Lifecycle state of a conversation. @public */
export type ConversationState = 'browsing' | 'waiting' | 'active' | 'idle' | 'ended';

/**
 * Colour code shown to agents, as in the seed product: grey browsing, red waiting for chat,
 * yellow waiting for operator, green operator waiting for visitor, blue previously chatted/invited.
 * @public
 */
export type ConversationColour = 'grey' | 'red' | 'yellow' | 'green' | 'blue';

/** Who wrote a message. @public */
export type AuthorKind = 'visitor' | 'agent' | 'system' | 'bot';

/** `internal` messages (whispers, notes) never reach a visitor by any path. @public */
export type Visibility = 'public' | 'internal';

/** What a chat is routed to. @public */
export interface RoutingTarget {
  readonly kind: 'any' | 'skill' | 'group' | 'department' | 'agent';
  /** Skill, group, department or agent id; absent for `any`. */
  readonly value?: string;
  /** For `agent`: after this wait, fall back to `fallback`. */
  readonly fallbackAfterMs?: number;
  readonly fallback?: RoutingTarget;
}

/** A visitor as agents see them. @public */
export interface VisitorSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly siteId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly visitCount: number;
  readonly customData: Readonly<Record<string, unknown>>;
  readonly userAgent: string | null;
  readonly language: string | null;
  /** Location fields (country, region, city, timezone...) as reported or looked up. */
  readonly location: Readonly<Record<string, string>>;
  readonly lastSeenAt: number;
  readonly createdAt: number;
}

/** A page view reported by the widget. @public */
export interface PageView {
  readonly visitorId: string;
  readonly url: string;
  readonly title: string | null;
  readonly referrer: string | null;
  readonly at: number;
}

/** A conversation at one moment. @public */
export interface ConversationSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly siteId: string;
  readonly visitorId: string;
  readonly state: ConversationState;
  readonly assignedAgentId: string | null;
  /** Agent a waiting chat is offered to (accept or decline pending); null otherwise. */
  readonly offeredTo: string | null;
  /** When the standing offer lapses; null without one. */
  readonly offerExpiresAt: number | null;
  readonly departmentId: string | null;
  readonly target: RoutingTarget;
  readonly priority: number;
  /** Seq of the newest message or event; gap-free per conversation, starting at 1. */
  readonly lastSeq: number;
  /** Who wrote the last public message: decides yellow (visitor) versus green (agent). */
  readonly lastAuthor: AuthorKind | null;
  /** The seed product's colour code, derived from state and last author. */
  readonly colour: ConversationColour;
  /** When the conversation (re)entered the queue; null when not waiting. */
  readonly waitingSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly endedAt: number | null;
}

/** A field the widget asks for before a chat starts. @public */
export interface PrechatField {
  /** Key the answer is stored under (`prechat.<name>`). */
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'tel' | 'select' | 'textarea';
  readonly required?: boolean;
  /** Choices of a `select` (only there). */
  readonly options?: readonly string[];
}

/** How a chat window looks and what it asks. Every key is optional. @public */
export interface WindowLook {
  /** Header title (default: the site name). */
  readonly title?: string;
  /** Accent colour, `#rrggbb`. */
  readonly colour?: string;
  /** First line shown to the visitor. */
  readonly greeting?: string;
  /** Logo, `https://` only. */
  readonly logoUrl?: string;
  readonly position?: 'bottom-right' | 'bottom-left';
  readonly prechatFields?: readonly PrechatField[];
  /** Shown when nobody is online. */
  readonly offlineMessage?: string;
}

/** A site's branding: the default window plus named variants (e.g. `sales`, `support`). @public */
export interface SiteBranding extends WindowLook {
  /** Named branded windows; each overrides the default look key by key. */
  readonly chatWindows?: Readonly<Record<string, WindowLook>>;
}

/**
 * A site (one web property of a tenant) as plugins see it: read-only, and without its embed key,
 * which only the site's admins hand out. @public
 */
export interface SiteSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  /** Host names the widget runs on (informative; `allowedOrigins` is what is enforced). */
  readonly domains: readonly string[];
  /** Origins (`https://shop.example.com`) visitors' browsers may call the API from. */
  readonly allowedOrigins: readonly string[];
  readonly branding: SiteBranding;
  readonly createdAt: number;
}

/** A console user as other users see them (never the password hash). @public */
export interface UserSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'admin' | 'supervisor' | 'agent';
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  readonly departmentIds: readonly string[];
  /** Maximum concurrent chats. */
  readonly capacity: number;
  readonly presence: 'online' | 'away' | 'offline';
  readonly presenceAt: number;
  readonly disabled: boolean;
  readonly lastAssignedAt: number | null;
  readonly lastEndedAt: number | null;
  readonly createdAt: number;
}

/** A file attached to a conversation. @public */
export interface AttachmentSnapshot {
  readonly id: string;
  readonly conversationId: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  readonly visibility: Visibility;
  readonly createdAt: number;
}

/** The author of a message. @public */
export interface Author {
  readonly kind: AuthorKind;
  /** User id for agents, visitor id for visitors, plugin id for bots; null for the system. */
  readonly id: string | null;
}

/** A stored message. @public */
export interface MessageSnapshot {
  readonly id: string;
  readonly tenantId: string;
  readonly conversationId: string;
  /** Gap-free, per conversation, starting at 1. */
  readonly seq: number;
  readonly author: Author;
  readonly kind: 'text' | 'file' | 'event';
  readonly visibility: Visibility;
  readonly body: string;
  readonly clientMessageId: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/**
 * A message about to be stored, passed through `session.beforeMessage`. A tap returns it
 * (possibly changed); setting `rejection` refuses the message with that reason.
 * @public
 */
export interface MessageDraft {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly author: Author;
  readonly kind: 'text' | 'file' | 'event';
  visibility: Visibility;
  body: string;
  metadata: Record<string, unknown>;
  readonly clientMessageId: string | null;
  rejection?: { readonly code: string; readonly message: string };
}

/** A visitor asking for a chat, passed to `session.chatRequested`. @public */
export interface ChatRequest {
  readonly tenantId: string;
  readonly siteId: string;
  readonly visitor: VisitorSnapshot;
  readonly target: RoutingTarget;
  readonly departmentId: string | null;
  readonly priority: number;
  readonly prechat: Readonly<Record<string, unknown>>;
}

/** What a `session.chatRequested` tap may answer instead of letting the chat start. @public */
export type ChatRequestDecision =
  | { readonly action: 'refuse'; readonly reason: string }
  | {
      readonly action: 'divert';
      readonly to: 'offline-message' | 'ticket';
      readonly message?: string;
    };

/** A queued chat waiting for an agent, as routing plugins see it. @public */
export interface RoutingRequest {
  readonly conversation: ConversationSnapshot;
  readonly target: RoutingTarget;
  readonly priority: number;
  readonly enqueuedAt: number;
  /** Agents that must not be offered this chat again (declined or timed out). */
  readonly excludedAgentIds: readonly string[];
}

/** An agent considered for a chat; `routing.candidates` taps filter and score these. @public */
export interface RoutingCandidate {
  readonly agentId: string;
  readonly load: number;
  readonly capacity: number;
  /** Milliseconds since the agent's last assignment or last ended chat. */
  readonly idleMs: number;
  readonly skills: readonly string[];
  readonly groups: readonly string[];
  /** Extra score terms added by plugins, by name; higher is better. */
  readonly scores: Readonly<Record<string, number>>;
}

/** The agent chosen by `routing.select`, with the reason recorded for supervisors. @public */
export interface RoutingSelection {
  readonly agentId: string;
  readonly reason: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * Offer the chat instead of assigning it: the agent must accept within this many ms, or the
   * offer lapses and `routing.requeued` fires with `offer-timeout`. Absent: assign at once.
   */
  readonly offerTimeoutMs?: number;
}

/** A conversation assigned to an agent. @public */
export interface Assignment {
  readonly conversation: ConversationSnapshot;
  readonly agentId: string;
  readonly reason: string;
  readonly at: number;
}

/** What to do with a chat that cannot wait any longer. @public */
export type OverflowDecision =
  | { readonly action: 'offline-message'; readonly message?: string }
  | { readonly action: 'ticket'; readonly message?: string }
  | { readonly action: 'keep-waiting' };

/** Why a chat overflowed. @public */
export interface OverflowEvent {
  readonly request: RoutingRequest;
  readonly reason: 'queue-full' | 'max-wait' | 'closed' | 'no-agents';
}
