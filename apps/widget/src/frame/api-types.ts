/**
 * Shapes of the server answers the widget uses (see docs/api.md and docs/openapi.json). Only the
 * fields the widget reads are listed.
 */
import type { VisitorConversationView, VisitorMessageView } from '@switchboard/sdk/client';

export type { VisitorConversationView, VisitorMessageView };

/** A field of the pre-chat form (site branding). */
export interface PrechatField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'email' | 'tel' | 'select' | 'textarea';
  readonly required: boolean;
  readonly options?: readonly string[];
}

/** `GET /api/v1/widget/config?embedKey=`. */
export interface WidgetConfig {
  readonly siteId: string;
  readonly name: string;
  readonly window: string | null;
  /** The origins that may embed this site's widget; empty: any. (Older servers omit it.) */
  readonly allowedOrigins?: readonly string[];
  readonly branding: {
    readonly title: string;
    readonly colour: string;
    readonly greeting: string;
    readonly logoUrl: string | null;
    readonly position: 'bottom-right' | 'bottom-left';
    readonly prechatFields: readonly PrechatField[];
    readonly offlineMessage: string;
  };
}

/** What a visitor sees of themselves. */
export interface OwnVisitor {
  readonly id: string;
  readonly siteId: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly customData: Record<string, unknown>;
}

/** `POST /api/v1/visitor/session`. */
export interface SessionAnswer {
  readonly token: string;
  readonly expiresAt: number;
  readonly cookieId: string;
  readonly visitor: OwnVisitor;
}

/** `GET /api/v1/visitor`. */
export interface MeAnswer {
  readonly visitor: OwnVisitor;
  readonly conversation: VisitorConversationView | null;
}

/** `POST /api/v1/conversations` (conversation.request). */
export type RequestAnswer =
  | { readonly status: 'queued' | 'assigned'; readonly conversation: VisitorConversationView }
  | { readonly status: 'offline' | 'ticket' | 'refused'; readonly message: string | null };

/** `GET /api/v1/conversations/:id/messages`. */
export interface MessagePage {
  readonly messages: VisitorMessageView[];
  readonly nextAfterSeq: number | null;
}

/** `GET /api/v1/conversations/:id/queue`: where a waiting chat stands. */
export interface QueueStatus {
  readonly state: string;
  /** 1 = next; null when not waiting. */
  readonly position: number | null;
  /** Chats waiting in all. */
  readonly waiting: number;
  readonly estimatedWaitSeconds: number | null;
}

/** `GET /api/v1/ui/contributions?surface=widget`. */
export interface UiContribution {
  readonly pluginId: string;
  readonly slot: string;
  readonly moduleUrl: string;
  readonly element: string;
  readonly order: number;
  readonly title: string;
}
