/**
 * The contract between the apps (console and widget) and the custom elements plugins contribute
 * to UI slots. It is framework-free on purpose: a plugin element is a standard custom element,
 * so it never depends on what the console itself is written in. Browser-safe (types and
 * constants only): import it from `@switchboard/sdk/ui`.
 */
import type {
  ConversationSnapshot,
  MessageSnapshot,
  UserSnapshot,
  VisitorSnapshot,
} from './domain.js';
import type { UiSlot } from './manifest.js';

/** Options of {@link SlotContext.api}. @public */
export interface SlotApiInit {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  readonly body?: unknown;
}

/**
 * What the app hands a slot element, as its `context` property. The app sets a new object
 * whenever something in it changes (another conversation opened, a message updated), so an
 * element re-renders from a property setter and never needs to poll. @public
 */
export interface SlotContext {
  readonly pluginId: string;
  readonly slot: UiSlot;
  readonly surface: 'console' | 'widget';
  /**
   * A request to the Switchboard server with the signed-in user's (or visitor's) token; `path`
   * starts with `/api/v1/`. Resolves with the parsed JSON answer; rejects with an `Error` whose
   * `code` and `status` are the server's.
   */
  api<T = unknown>(path: string, init?: SlotApiInit): Promise<T>;
  /** Sends a WebSocket operation frame and resolves with its ack (see docs/protocol.md). */
  call<T = unknown>(type: string, data?: Readonly<Record<string, unknown>>): Promise<T>;
  /**
   * Subscribes to real-time events: `message.created`, `conversation.updated`, `typing`,
   * `presence`, `visitor.updated`, and events plugins push (`plugin.<id>.<name>`). Returns the
   * unsubscribe function; call it from `disconnectedCallback`.
   */
  on(type: string, handler: (event: unknown) => void): () => void;
  /** Console: the signed-in user. Widget: null. */
  readonly user: UserSnapshot | null;
  /** The conversation the slot belongs to (conversation.*, widget.*), else null. */
  readonly conversation: ConversationSnapshot | null;
  /** The visitor shown (visitor.panel, conversation.*), else null. */
  readonly visitor: VisitorSnapshot | null;
  /** `conversation.message.decorations` only: the message being decorated. */
  readonly message: MessageSnapshot | null;
}

/**
 * DOM events a slot element may dispatch (bubbling, composed) to ask the app for something.
 * Anything else it needs, it does through {@link SlotContext}. @public
 */
export const SlotEvents = {
  /** `detail: { text: string }`: put text into the composer (console) at the cursor. */
  insertText: 'sb-insert-text',
  /** `detail: { conversationId: string }`: open a conversation in the console. */
  openConversation: 'sb-open-conversation',
  /** `detail: { message: string }`: announce something to the user (toast + screen reader). */
  notify: 'sb-notify',
} as const;
