// Reads the lifecycle journal fixture plugins write with fixtures/shared/journal.js (same key).
const KEY = Symbol.for('switchboard.test.journal');
const store = globalThis as { [KEY]?: string[] };

/** Entries written so far, e.g. ["recorder-base:setup", "recorder-base:start"]. */
export function journal(): string[] {
  return [...(store[KEY] ?? [])];
}

/** Entries of one phase, e.g. `phase('stop')` → ["recorder-top", "recorder-base"]. */
export function phase(name: 'setup' | 'start' | 'stop'): string[] {
  return journal()
    .filter((entry) => entry.endsWith(`:${name}`))
    .map((entry) => entry.slice(0, -name.length - 1));
}

/** Forgets every entry; call before each test that reads the journal. */
export function clearJournal(): void {
  store[KEY] = [];
}
