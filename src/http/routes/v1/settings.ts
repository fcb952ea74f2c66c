import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { PgSettingsStore } from '../../../db/repositories/settings-store.js';
import { errorResponses } from '../../schemas/common.js';
import { merchantSettingsSchema } from '../../../domain/merchants/settings.js';
import { MERGE_PATCH_JSON } from '../../body-parsers.js';

/** At runtime any object: the domain validates it (same rules as the chat admin) and names each wrong field. */
const settingsSchema = z.record(z.string(), z.unknown()).describe('Earning rules, tiers, expiry, … (see README)');
const documented = { body: merchantSettingsSchema, ok: merchantSettingsSchema };
const security = [{ apiKey: [] }];

export const settingsRoutes: FastifyPluginAsyncZod<{ settings: PgSettingsStore }> = async (app, { settings }) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['settings'],
        summary: 'The club settings, defaults filled in',
        security,
        documented: { ok: merchantSettingsSchema },
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => settings.get(request.merchantId!),
  );

  app.put(
    '/',
    {
      schema: {
        tags: ['settings'],
        summary: 'Replace the club settings (validated; omitted parts take their defaults)',
        security,
        errors: ['invalid_settings'],
        documented,
        body: settingsSchema,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => settings.set(request.merchantId!, request.body),
  );

  app.patch(
    '/',
    {
      schema: {
        tags: ['settings'],
        summary:
          'Change part of the club settings (JSON Merge Patch: named keys change, null removes, arrays replace; the result is validated)',
        security,
        consumes: ['application/json', MERGE_PATCH_JSON],
        errors: ['invalid_settings'],
        documented,
        body: settingsSchema,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => settings.patch(request.merchantId!, request.body),
  );
};
