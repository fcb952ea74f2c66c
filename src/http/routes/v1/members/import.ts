import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, invalid } from '../../../../domain/errors.js';
import type { MemberImportService } from '../../../../domain/members/member-import.js';
import { decodeText, isKnownCharset, lineAt } from '../../../../lib/text-decoding.js';
import { errorResponses } from '../../../schemas/common.js';

export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;

const reportSchema = z
  .object({
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    balancesApplied: z.number().int(),
    balancesAlreadyApplied: z.number().int(),
    errorCount: z.number().int(),
    errors: z.array(z.object({ row: z.number().int(), code: z.string(), message: z.string() })),
    duplicateCount: z.number().int(),
    duplicates: z.array(z.object({ phone: z.string(), rows: z.array(z.number().int()), kept: z.number().int() })),
  })
  .meta({ id: 'ImportReport' });

/** The whole upload, stopped beyond the limit (the file is checked whole before anything is written). */
async function readAll(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let seen = 0;
  for await (const chunk of stream) {
    seen += (chunk as Buffer).length;
    if (seen > max) {
      stream.destroy();
      throw new DomainError('payload_too_large', `CSV files are limited to ${max / 1024 / 1024} MiB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The CSV's records with their line numbers; a broken line rejects the file, naming the line. */
async function* records(text: string): AsyncGenerator<Record<string, string>> {
  let line = 1; // the last line parsed into a record (the parser reads ahead of the consumer)
  const parser = parse(text, {
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (record: Record<string, string>, context: { lines: number }) => ((line = context.lines), record),
  });
  try {
    yield* parser as AsyncIterable<Record<string, string>>;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message: string };
    if (!e.code?.startsWith('CSV_')) throw err;
    // An unclosed quote is only noticed at the end of the file: name the line where it opened.
    const at = e.code === 'CSV_QUOTE_NOT_CLOSED' ? line + 1 : (e.lines ?? line + 1);
    throw invalid('invalid_csv', `Line ${at} of the CSV could not be read (${e.message}); nothing was imported`, { line: at });
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  if (charset && !isKnownCharset(charset))
    throw invalid('unsupported_charset', `charset "${charset}" is not supported; send UTF-8 or windows-1256`);
  return charset;
}

export const memberImportRoutes: FastifyPluginAsyncZod<{ imports: MemberImportService }> = async (app, { imports }) => {
  app.post(
    '/',
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags: ['members'],
        summary: 'Import members from CSV (all or nothing)',
        description:
          'Content-Type: text/csv, a header row, then one member per row. UTF-8, or windows-1256 (say charset=windows-1256, or leave charset out: a file that is not valid UTF-8 is read as windows-1256). Columns: phone (required), name (split into first and last name when first_name and last_name are absent), first_name, last_name, birth_date (Jalali 1370/06/31 or Gregorian 1991-09-22), gender (male/female), city, tags (separated by |), points, coins, credit (opening balances). The whole file is read first: a line that cannot be read (an unclosed quote, a NUL byte) answers 400 invalid_csv with details.line and imports nothing; otherwise everything is written in one transaction. Rows with a bad value are skipped and reported by row; a phone on several rows takes its last row (reported in duplicates). Idempotent by phone.',
        security: [{ apiKey: [] }],
        consumes: ['text/csv'],
        errors: ['invalid_csv', 'unsupported_charset', 'invalid_encoding'],
        documented: { body: z.string().describe('The CSV file (UTF-8): a header row naming the columns, then one member per row') },
        response: { 200: reportSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!request.body || typeof (request.body as Readable).pipe !== 'function')
        throw invalid('invalid_csv', 'Send the file with Content-Type: text/csv');
      const charset = charsetOf(request.headers['content-type']);
      let bytes: Buffer;
      try {
        bytes = await readAll(request.body as Readable, IMPORT_MAX_BYTES);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'payload_too_large')
          return reply.status(413).send({ error: { code: err.code, message: err.message } });
        throw err;
      }
      const text = decodeText(bytes, charset);
      if (text === null)
        throw invalid(
          'invalid_encoding',
          'The file is not valid UTF-8 although its Content-Type says so; send it as windows-1256 or without a charset',
        );
      const nul = text.indexOf('\0');
      if (nul !== -1)
        throw invalid('invalid_csv', `Line ${lineAt(text, nul)} of the CSV contains a NUL byte; nothing was imported`, {
          line: lineAt(text, nul),
        });
      return imports.import(request.merchantId!, records(text), request.actor!);
    },
  );
};
