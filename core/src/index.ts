import 'reflect-metadata';

export { Kernel, CORE_MIGRATIONS, type KernelOptions } from './kernel.js';
export {
  resolveConfig,
  loadConfigFile,
  configSchema,
  ConfigError,
  type KernelConfig,
} from './config.js';
export { createLogger, type LogLevel } from './logger.js';
export { SystemClock } from './clock.js';
export { HookCatalogue } from './hooks/hook-catalogue.js';
export { GuardedHook, KeyedGuardedHooks, type HookKind } from './hooks/guarded-hook.js';
export { HookBudget } from './hooks/budgets.js';
export { FaultTracker, HookTapError, type FaultStats } from './hooks/fault-tracker.js';
export { PluginHost, type PluginInfo, type PluginState } from './plugins/plugin-host.js';
export { PluginLoadError, formatProblem, type PluginProblem } from './plugins/plugin-problem.js';
export { manifestSchema } from './plugins/manifest-validator.js';
export {
  openDatabase,
  DatabaseSafetyError,
  type DatabaseConfig,
  type Database,
} from './storage/database.js';
export {
  migrateLatest,
  pendingMigrations,
  rollbackAll,
  tablePrefix,
  migrationTable,
} from './storage/migrator.js';
export { SchemaValidator, type Problem } from './validation.js';
export { ChatCore, type ChatCoreDeps } from './chat-core.js';
export { createAccounts, type Accounts } from './accounts/index.js';
export { AccessPolicy } from './auth/policy.js';
export { AuditLog, type AuditEntry } from './audit/audit-log.js';
export { checkPasswordPolicy, generatePassword } from './auth/password.js';
export { ChatTopics } from './chat/chat-events.js';
export type { Operation } from './api/operation.js';
export { operationPaths } from './api/openapi.js';
