const KEY = 'switchboard.console.preferences';

/** The agent's console preferences, kept in localStorage (per browser, not per account). */
export interface PreferenceValues {
  /** Play a sound when a chat starts waiting or a visitor writes. */
  readonly sound: boolean;
  /** Show the number of chats waiting for the agent in the tab title: "(2) Switchboard". */
  readonly titleBadge: boolean;
}

const DEFAULTS: PreferenceValues = { sound: true, titleBadge: true };

export class Preferences {
  private current: PreferenceValues;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: Storage = localStorage) {
    let saved: Partial<PreferenceValues> = {};
    try {
      saved = JSON.parse(storage.getItem(KEY) ?? '{}') as Partial<PreferenceValues>;
    } catch {
      saved = {};
    }
    this.current = {
      sound: typeof saved.sound === 'boolean' ? saved.sound : DEFAULTS.sound,
      titleBadge: typeof saved.titleBadge === 'boolean' ? saved.titleBadge : DEFAULTS.titleBadge,
    };
  }

  get values(): PreferenceValues {
    return this.current;
  }

  set(change: Partial<PreferenceValues>): void {
    this.current = { ...this.current, ...change };
    try {
      this.storage.setItem(KEY, JSON.stringify(this.current));
    } catch {
      // Not persisted; still applied for this page.
    }
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
