import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactingLoggerOptions } from './lib/log-redaction.js';

export type { Logger };

/** Pretty lines in a terminal, JSON otherwise; `destination` 2 keeps stdout free for CLI output (a stream: tests). */
export function createLogger(level: string, opts: { destination?: 1 | 2 | NodeJS.WritableStream; name?: string } = {}): Logger {
  const base: LoggerOptions = { level, name: opts.name, base: undefined, ...redactingLoggerOptions };
  if (typeof opts.destination === 'object') return pino(base, opts.destination);
  const fd = opts.destination ?? 1;
  const isTty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  if (isTty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino(base, pino.destination({ dest: fd, sync: fd === 2 }));
}
