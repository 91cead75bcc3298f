import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { PluginProblem } from './plugin-problem.js';

/** A plugin package found on disk. */
export interface PluginSource {
  /** The config entry that named it. */
  readonly entry: string;
  /** Absolute package folder. */
  readonly dir: string;
  /** Parsed package.json. */
  readonly packageJson: Record<string, unknown>;
}

/** Where to look for plugins. */
export interface DiscoveryOptions {
  /** Folder relative entries are resolved from (the config file's folder). */
  readonly baseDir: string;
  /** Folders whose sub-folders are plugin packages, searched by folder name, package name or id. */
  readonly pluginDirs: readonly string[];
}

function looksLikePath(entry: string): boolean {
  return entry.startsWith('.') || isAbsolute(entry);
}

function readPackage(dir: string): Record<string, unknown> | Error {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return error as Error;
  }
}

/** Finds each configured plugin's package folder; reports entries that cannot be found or read. */
export function discoverPlugins(
  entries: readonly string[],
  options: DiscoveryOptions,
): { sources: PluginSource[]; problems: PluginProblem[] } {
  const sources: PluginSource[] = [];
  const problems: PluginProblem[] = [];
  const dirs = options.pluginDirs.map((d) => resolve(options.baseDir, d));
  for (const entry of entries) {
    const dir = looksLikePath(entry)
      ? resolve(options.baseDir, entry)
      : (findInPluginDirs(entry, dirs) ?? findInNodeModules(entry, options.baseDir));
    if (!dir || !existsSync(join(dir, 'package.json'))) {
      problems.push({
        plugin: entry,
        message: looksLikePath(entry)
          ? `no package.json in folder ${dir}.`
          : `not found in plugin folders (${dirs.join(', ') || 'none'}) nor in node_modules.`,
        fix: looksLikePath(entry)
          ? 'point the entry at a plugin package folder (one with a package.json).'
          : `install it (npm install ${entry}), add its parent folder to "pluginDirs", or give its folder as "./path/to/${entry}".`,
      });
      continue;
    }
    const packageJson = readPackage(dir);
    if (packageJson instanceof Error) {
      problems.push({
        plugin: entry,
        message: `cannot read ${join(dir, 'package.json')}: ${packageJson.message}.`,
        fix: 'make package.json valid JSON.',
      });
      continue;
    }
    sources.push({ entry, dir, packageJson });
  }
  return { sources, problems };
}

function findInPluginDirs(entry: string, dirs: readonly string[]): string | undefined {
  for (const root of dirs) {
    if (!existsSync(root)) continue;
    const direct = join(root, entry);
    if (existsSync(join(direct, 'package.json'))) return direct;
    for (const name of readdirSync(root)) {
      const dir = join(root, name);
      if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
      const pkg = readPackage(dir);
      if (pkg instanceof Error) continue;
      const id = (pkg.switchboard as { id?: unknown } | undefined)?.id;
      if (pkg.name === entry || id === entry) return dir;
    }
  }
  return undefined;
}

function findInNodeModules(name: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
