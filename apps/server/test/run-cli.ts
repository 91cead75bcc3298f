import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (`apps/server/test/` is three levels down). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI entry, as `npm start` and operators run it. */
export const cliBin = fileURLToPath(new URL('../bin/switchboard.js', import.meta.url));

/** The repository's `node_modules`, which scaffolded packages link to instead of installing. */
export const repoNodeModules = join(repoRoot, 'node_modules');

/** Folder of the repository's plugins, for configs that load `canned-responses`. */
export const repoPlugins = join(repoRoot, 'plugins');

/** Exit code and output of one child process. */
export interface RunResult {
  /** Exit code; -1 when the process was killed (e.g. timed out). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment variables that override the config file (docs/configuration.md). */
const CONFIG_OVERRIDES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'SWITCHBOARD_ADMIN_TOKEN',
  'LOG_LEVEL',
] as const;

/**
 * This process's environment without the config overrides, so a CLI run reads only the config
 * file a test wrote (the PostgreSQL test run sets `DATABASE_URL`, which would redirect it).
 */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONFIG_OVERRIDES) delete env[key];
  // The root mocha reporter appends totals here; a nested mocha run must not.
  delete env.SB_TEST_STATS;
  return { ...env, ...extra };
}

/**
 * Runs `node <script> ...args` and resolves with its exit code and output; never rejects.
 * `input`, when given, is written to the child's stdin, which is then closed.
 */
export function runNode(
  script: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [script, ...args],
      {
        cwd: options.cwd,
        env: options.env ?? isolatedEnv(),
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = !error ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs the switchboard CLI with `args` in `cwd`. */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<RunResult> {
  return runNode(cliBin, args, options);
}

/** Fails early with the fix when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(join(repoRoot, 'apps/server/dist/cli.js'))) {
    throw new Error('apps/server is not built: run `npm run build` (or `npm test`) first.');
  }
}

/** A line of a JavaScript stack trace, e.g. `    at load (file:///…/commands.js:12:5)`. */
export const STACK_FRAME = /^\s+at\s.*(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$/m;

/** A fresh temporary folder; remove it with {@link removeTempDir}. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `switchboard-${prefix}-`));
}

/** Removes a temporary folder (symlinks inside it are removed, never followed). */
export function removeTempDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Writes `value` as a JSON config file in `dir` and returns its path. */
export function writeConfig(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}
