import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DomainError, invalid } from '../../../../domain/errors.js';
import type { MemberImportService } from '../../../../domain/members/member-import.js';
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
  })
  .meta({ id: 'ImportReport' });

/** Counts bytes as they stream past and stops the upload beyond the limit. */
async function* limited(stream: Readable, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of stream) {
    seen += (chunk as Buffer).length;
    if (seen > max) {
      stream.destroy();
      throw new DomainError('payload_too_large', `CSV files are limited to ${max / 1024 / 1024} MiB`);
    }
    yield chunk as Buffer;
  }
}

export const memberImportRoutes: FastifyPluginAsyncZod<{ imports: MemberImportService }> = async (app, { imports }) => {
  app.post(
    '/',
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags: ['members'],
        summary: 'Import members from CSV (streamed)',
        description:
          'Content-Type: text/csv, a header row, then one member per row. Columns: phone (required), first_name, last_name, birth_date (Jalali 1370/06/31 or Gregorian 1991-09-22), gender (male/female), city, tags (separated by |), points, coins, credit (opening balances). Idempotent by phone; rows are checked one by one and reported.',
        security: [{ apiKey: [] }],
        consumes: ['text/csv'],
        errors: ['invalid_csv'],
        documented: { body: z.string().describe('The CSV file (UTF-8): a header row naming the columns, then one member per row') },
        response: { 200: reportSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!request.body || typeof (request.body as Readable).pipe !== 'function') throw invalid('invalid_csv', 'Send the file with Content-Type: text/csv');
      const parser = parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), bom: true, trim: true, skip_empty_lines: true, relax_column_count: true });
      const source = limited(request.body as Readable, IMPORT_MAX_BYTES);
      const feeding = (async () => {
        try {
          for await (const chunk of source) if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
          parser.end();
        } catch (err) {
          parser.destroy(err as Error);
        }
      })();
      try {
        const report = await imports.import(request.merchantId!, parser as AsyncIterable<Record<string, string>>, request.actor!);
        await feeding;
        return report;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'payload_too_large') return reply.status(413).send({ error: { code: err.code, message: err.message } });
        if ((err as { code?: string }).code?.startsWith('CSV_')) throw invalid('invalid_csv', `The CSV could not be read: ${(err as Error).message}`);
        throw err;
      }
    },
  );
};
