import type { ConsoleStore } from '../store/console-store.js';
import type { Preferences } from './preferences.js';

const TITLE = 'Switchboard';
const SOUND_URL = '/console/notify.wav';

/**
 * Makes chats that wait for the agent obvious: the count in the tab title ("(2) Switchboard")
 * and a short sound on a new waiting chat, an offer, or a visitor's message. Both follow the
 * preferences.
 */
export class Notifications {
  private readonly offs: (() => void)[] = [];
  private audio: HTMLAudioElement | null = null;
  /** Number of sounds played (for tests and diagnostics). */
  played = 0;

  constructor(
    private readonly store: ConsoleStore,
    private readonly preferences: Preferences,
  ) {
    this.offs.push(
      store.subscribe(() => this.updateTitle()),
      preferences.subscribe(() => this.updateTitle()),
      store.onNotice((notice) => {
        if (notice.kind !== 'info') this.ding();
      }),
    );
    this.updateTitle();
  }

  updateTitle(): void {
    const count = this.store.waitingCount();
    document.title =
      this.preferences.values.titleBadge && count > 0 ? `(${count}) ${TITLE}` : TITLE;
    document.documentElement.dataset.soundsPlayed = String(this.played);
  }

  private ding(): void {
    if (!this.preferences.values.sound) return;
    this.played++;
    document.documentElement.dataset.soundsPlayed = String(this.played);
    try {
      this.audio ??= new Audio(SOUND_URL);
      this.audio.currentTime = 0;
      this.audio.play().catch(() => undefined);
    } catch {
      // No audio in this browser: the title and the announcement still tell.
    }
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    document.title = TITLE;
  }
}
