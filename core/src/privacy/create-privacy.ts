import type { Operation } from '../api/operation.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AttachmentStore } from '../chat/attachment-store.js';
import type { ChatCoreDeps } from '../chat-core.js';
import { PersonalDataRegistry } from './personal-data-registry.js';
import { privacyOperations } from './privacy-operations.js';
import { RetentionJob } from './retention-job.js';
import { TranscriptReader } from './transcript.js';
import { VisitorEraser } from './visitor-eraser.js';
import { VisitorExporter } from './visitor-export.js';

/** What {@link createPrivacy} needs: the chat core's parts plus its file store and audit log. */
export type PrivacyDeps = ChatCoreDeps & {
  readonly attachments: AttachmentStore;
  readonly audit: AuditLog;
};

/** The privacy area of the chat core. */
export interface Privacy {
  /** Transcripts, export, erase, retention, personal-data tables and the audit log. */
  readonly operations: Operation[];
  readonly registry: PersonalDataRegistry;
  readonly transcripts: TranscriptReader;
  readonly exporter: VisitorExporter;
  readonly eraser: VisitorEraser;
  readonly retention: RetentionJob;
  /** Starts the daily retention pass; the returned function stops it (and waits for a pass). */
  start(): () => Promise<void>;
}

/**
 * Builds the privacy area: transcripts (agents' and visitors' views), per-visitor export and
 * erase, the retention job, and the audit log reader. Await `registry.validate()` once the
 * migrations have run, so plugins' personal-data declarations are checked (and wrong ones
 * logged) at start-up rather than on the first request.
 */
export function createPrivacy(deps: PrivacyDeps): Privacy {
  const { knex, dialect, clock, logger, events, host, config, attachments, audit } = deps;
  const log = logger.child({ area: 'privacy' });
  const registry = new PersonalDataRegistry({ knex, host, logger: log });
  const transcripts = new TranscriptReader(knex, clock);
  const exporter = new VisitorExporter({ knex, clock, registry, audit });
  const eraser = new VisitorEraser({
    knex,
    dialect,
    logger: log,
    events,
    registry,
    audit,
    attachments,
  });
  const retention = new RetentionJob({
    knex,
    dialect,
    clock,
    logger: log,
    registry,
    audit,
    attachments,
    defaultRetentionDays: config.chat.retentionDays,
  });
  const operations = privacyOperations({
    knex,
    registry,
    transcripts,
    exporter,
    eraser,
    retention,
  });
  return {
    operations,
    registry,
    transcripts,
    exporter,
    eraser,
    retention,
    start: () => retention.start(),
  };
}
