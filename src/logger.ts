import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Pretty lines in a terminal, JSON otherwise; `destination` 2 keeps stdout free for CLI output. */
export function createLogger(level: string, opts: { destination?: 1 | 2; name?: string } = {}): Logger {
  const fd = opts.destination ?? 1;
  const isTty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  const base: LoggerOptions = { level, name: opts.name, base: undefined };
  if (isTty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return pino(base, pino.destination({ dest: fd, sync: fd === 2 }));
}
