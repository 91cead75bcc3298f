import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DatabaseConfig } from './storage/database.js';
import type { LogLevel } from './logger.js';
import { SchemaValidator, summarize } from './validation.js';

/** Everything the kernel needs to start. See docs/configuration.md. */
export interface KernelConfig {
  /** HTTP port (env `PORT`; default 8080; 0 picks a free port). */
  port: number;
  /** Interface to listen on (env `HOST`; default 0.0.0.0). */
  host: string;
  database: DatabaseConfig;
  /** Plugins to load: package names, plugin ids found in `pluginDirs`, or folders (./path). */
  plugins: string[];
  /** Folders whose sub-folders are plugin packages. */
  pluginDirs: string[];
  /** Bootstrap operator token (env `SWITCHBOARD_ADMIN_TOKEN`), at least 24 characters. */
  adminToken?: string;
  logLevel: LogLevel;
  http: {
    bodyLimitBytes: number;
    maxJsonDepth: number;
    /** Behind a reverse proxy: take client addresses (rate limits, audit) from X-Forwarded-For. */
    trustProxy: boolean;
  };
  faults: { threshold: number; windowMs: number; lifecycleBudgetMs: number };
  /** Folder for attachments and other files (default `data`, next to the sqlite file). */
  dataDir: string;
  auth: {
    /** Lifetime of a console sign-in, ms (default 12 h). */
    userTokenTtlMs: number;
    /** Lifetime of a visitor session token, ms (default 24 h). */
    visitorTokenTtlMs: number;
    /** scrypt cost as log2(N); OWASP: N=2^17, r=8, p=1 (the default). */
    scryptLog2N: number;
    /** Attempts per minute per client address. */
    loginPerMinute: number;
    visitorSessionsPerMinute: number;
  };
  realtime: {
    /** Heartbeat interval, ms; a socket silent for two intervals is cut. */
    heartbeatMs: number;
    /** Bytes queued to one socket before it counts as a slow consumer and is cut. */
    maxBufferedBytes: number;
    /** Largest frame a client may send, bytes. */
    maxFrameBytes: number;
    /** Most messages replayed per conversation on resume; beyond it the client refetches. */
    replayLimit: number;
    /** Time a new socket has to send `hello`, ms. */
    helloTimeoutMs: number;
  };
  chat: {
    /** Longest message body, characters. */
    maxMessageLength: number;
    /** Largest attachment, bytes. */
    maxAttachmentBytes: number;
    /** Attachment content types accepted. */
    attachmentTypes: string[];
    /** Default transcript retention, days (13 months); tenants may override. */
    retentionDays: number;
    /** An active conversation with no message for this long turns idle, ms (default 10 min). */
    idleAfterMs: number;
    /**
     * Console users whose last socket has been closed for 10 s are set offline, and get their
     * presence back when a socket of theirs opens again (default true).
     */
    offlineWhenDisconnected: boolean;
  };
  ui: {
    /** Built console (`apps/console/dist`); default found through `@switchboard/console`. */
    consoleDir?: string;
    /** Built widget (`apps/widget/dist`); default found through `@switchboard/widget`. */
    widgetDir?: string;
  };
  /** Folder relative paths in this config are resolved from. */
  baseDir: string;
}

/** JSON Schema of the config file. */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    host: { type: 'string', minLength: 1, default: '0.0.0.0' },
    database: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://' },
        filename: { type: 'string', minLength: 1 },
        synchronous: { enum: ['normal', 'full'] },
        schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
        poolMax: { type: 'integer', minimum: 1, maximum: 200 },
        backgroundCheckpoints: { type: 'boolean' },
      },
    },
    plugins: {
      type: 'array',
      items: { type: 'string', minLength: 1 },
      uniqueItems: true,
      default: [],
    },
    pluginDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['plugins'] },
    adminToken: { type: 'string', minLength: 24 },
    logLevel: {
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
    },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bodyLimitBytes: { type: 'integer', minimum: 1024, maximum: 104857600, default: 1048576 },
        maxJsonDepth: { type: 'integer', minimum: 2, maximum: 256, default: 32 },
        trustProxy: { type: 'boolean', default: false },
      },
    },
    faults: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        threshold: { type: 'integer', minimum: 1, default: 5 },
        windowMs: { type: 'integer', minimum: 1000, default: 60000 },
        lifecycleBudgetMs: { type: 'integer', minimum: 100, default: 30000 },
      },
    },
    dataDir: { type: 'string', minLength: 1, default: 'data' },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        userTokenTtlMs: { type: 'integer', minimum: 60000, default: 43200000 },
        visitorTokenTtlMs: { type: 'integer', minimum: 60000, default: 86400000 },
        scryptLog2N: { type: 'integer', minimum: 10, maximum: 20, default: 17 },
        loginPerMinute: { type: 'integer', minimum: 1, default: 10 },
        visitorSessionsPerMinute: { type: 'integer', minimum: 1, default: 30 },
      },
    },
    realtime: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        heartbeatMs: { type: 'integer', minimum: 100, default: 15000 },
        maxBufferedBytes: { type: 'integer', minimum: 1024, default: 1048576 },
        maxFrameBytes: { type: 'integer', minimum: 1024, maximum: 1048576, default: 65536 },
        replayLimit: { type: 'integer', minimum: 1, maximum: 100000, default: 1000 },
        helloTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
      },
    },
    chat: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxMessageLength: { type: 'integer', minimum: 1, maximum: 100000, default: 10000 },
        maxAttachmentBytes: { type: 'integer', minimum: 1, default: 10485760 },
        attachmentTypes: {
          type: 'array',
          items: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+$' },
          default: [
            'image/png',
            'image/jpeg',
            'image/gif',
            'image/webp',
            'application/pdf',
            'text/plain',
            'text/csv',
            'application/zip',
          ],
        },
        retentionDays: { type: 'integer', minimum: 1, maximum: 36500, default: 396 },
        idleAfterMs: { type: 'integer', minimum: 1000, default: 600000 },
        offlineWhenDisconnected: { type: 'boolean', default: true },
      },
    },
    ui: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        consoleDir: { type: 'string', minLength: 1 },
        widgetDir: { type: 'string', minLength: 1 },
      },
    },
  },
} as const;

/** The config cannot be used; the message names each key and the fix. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/**
 * Validates a config object (defaults applied), then applies environment overrides:
 * `PORT`, `HOST`, `DATABASE_URL`, `SWITCHBOARD_ADMIN_TOKEN`, `LOG_LEVEL`.
 */
export function resolveConfig(
  raw: unknown,
  options: { baseDir: string; env?: NodeJS.ProcessEnv; source?: string },
): KernelConfig {
  const env = options.env ?? process.env;
  const value = structuredClone(raw ?? {}) as Record<string, unknown>;
  if (env.PORT !== undefined && env.PORT !== '') value.port = Number(env.PORT);
  if (env.HOST) value.host = env.HOST;
  if (env.DATABASE_URL) value.database = { ...(value.database as object), url: env.DATABASE_URL };
  if (env.SWITCHBOARD_ADMIN_TOKEN) value.adminToken = env.SWITCHBOARD_ADMIN_TOKEN;
  if (env.LOG_LEVEL) value.logLevel = env.LOG_LEVEL;
  const problems = new SchemaValidator().problems(configSchema, value);
  if (problems.length > 0) {
    const where = options.source ?? 'config';
    throw new ConfigError(
      `Invalid ${where}: ${summarize(problems)}. ` +
        'Fix these keys (environment variables PORT, HOST, DATABASE_URL, SWITCHBOARD_ADMIN_TOKEN and LOG_LEVEL override the file); see docs/configuration.md.',
    );
  }
  return { ...(value as unknown as KernelConfig), baseDir: options.baseDir };
}

/** Reads a JSON config file (optional when it is the default path) and resolves it. */
export function loadConfigFile(
  path: string,
  options: { required: boolean; env?: NodeJS.ProcessEnv },
): KernelConfig {
  const file = resolve(path);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(
        `Config file ${file} is not valid JSON: ${(error as Error).message}. Fix the syntax.`,
      );
    }
  } else if (options.required) {
    throw new ConfigError(
      `Config file ${file} does not exist. Create it or drop --config to use defaults.`,
    );
  }
  return resolveConfig(raw, { baseDir: dirname(file), env: options.env, source: file });
}
