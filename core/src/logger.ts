import { pino, type Level } from 'pino';
import type { Logger } from '@switchboard/sdk';

/** Log levels accepted in config, plus `silent`. */
export type LogLevel = Level | 'silent';

/** Creates the kernel's root logger (JSON lines on stdout). Plugins get `child({ plugin })`. */
export function createLogger(
  level: LogLevel = 'info',
  destination?: NodeJS.WritableStream,
): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  return (destination ? pino(options, destination) : pino(options)) as unknown as Logger;
}
