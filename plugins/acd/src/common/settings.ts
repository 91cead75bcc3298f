/** Business hours of one queue: local times per weekday in an IANA time zone. */
export interface BusinessHours {
  readonly timezone: string;
  /** `mon`..`sun` → list of `["09:00", "17:30"]` ranges; a missing day is closed. */
  readonly weekly: Partial<Record<Weekday, readonly (readonly [string, string])[]>>;
  /** Shown to a visitor who asks while the queue is closed. */
  readonly closedMessage?: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Limits of one queue. */
export interface QueueSettings {
  /** Chats waiting in this queue at most; a request beyond it overflows (`queue-full`). */
  readonly maxLength?: number;
  /** A chat waiting longer overflows (`max-wait`): it ends with an offline-message offer. */
  readonly maxWaitMs?: number;
  /** What the visitor is told on overflow. */
  readonly overflowMessage?: string;
  readonly businessHours?: BusinessHours;
}

/** Per-tenant settings (mirrors `contributes.configuration` in package.json). */
export interface AcdSettings {
  readonly mode: 'auto' | 'offer';
  readonly offerTimeoutMs: number;
  readonly missedOffersBeforeAway: number;
  readonly averageHandleTimeMs: number;
  readonly decisionCandidates: number;
  /** By queue key: `any`, `skill:<s>`, `group:<g>`, `department:<id>`, `agent:<id>`, `*`. */
  readonly queues: Readonly<Record<string, QueueSettings>>;
}

export const DEFAULT_SETTINGS: AcdSettings = {
  mode: 'auto',
  offerTimeoutMs: 20_000,
  missedOffersBeforeAway: 3,
  averageHandleTimeMs: 180_000,
  decisionCandidates: 5,
  queues: {},
};
