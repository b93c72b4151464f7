import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';

/** The logger of the record being handled, in the async context of that record's handling. */
const recordLoggers = new AsyncLocalStorage<RecordAwareLogger>();

/**
 * Writes through the current record's child logger when there is one: the records of a batch run side
 * by side (a FIFO batch's message groups), so keys appended to the one shared logger would land on
 * another record's lines. Code deep in a handler keeps importing `logger` and gets its record's keys.
 */
class RecordAwareLogger extends Logger {
  protected override createLogger(options?: ConstructorParameters<typeof Logger>[0]): RecordAwareLogger {
    return new RecordAwareLogger(options);
  }

  protected override processLogItem(logLevel: number, input: LogItemMessage, extraInput: LogItemExtraInput): void {
    const record = recordLoggers.getStore();
    if (record && record !== this) record.processLogItem(logLevel, input, extraInput);
    else super.processLogItem(logLevel, input, extraInput);
  }
}

/**
 * Keys whose values never reach a log line, at any depth of what is logged (an error's details, an
 * object handed to the logger): personal data a log must not keep (docs/security.md, Personal data).
 * Request bodies are not logged at all (lambda-function.ts turns the event log off).
 */
export const REDACTED_LOG_KEYS: ReadonlySet<string> = new Set(['dateOfBirth', 'licence']);
const REDACTED = '[redacted]';
const redact = (key: string, value: unknown): unknown => (REDACTED_LOG_KEYS.has(key) ? REDACTED : value);

/** One structured JSON logger per function instance (service name from POWERTOOLS_SERVICE_NAME). */
export const logger: Logger = new RecordAwareLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'car-rental',
  // Child loggers (withRecordLogger) inherit it.
  jsonReplacerFn: redact,
});

/**
 * Runs `fn` with a child logger of its own carrying `keys` (besides the invocation's): every line logged
 * through `logger` while it runs carries them, and no other record's.
 */
export const withRecordLogger = <T>(keys: Record<string, unknown>, fn: () => Promise<T>): Promise<T> => {
  // Persistent keys of the child, not temporary ones: those live in the invocation's InvokeStore context,
  // which a record's await can come back without (see lambdas/workers/stream-handler.ts).
  const child = (recordLoggers.getStore() ?? logger).createChild({ persistentKeys: keys }) as RecordAwareLogger;
  return recordLoggers.run(child, fn);
};
