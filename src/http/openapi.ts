import { z } from 'zod';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.js';
import { STATUS_BY_KIND } from './errors.js';

declare module 'fastify' {
  interface FastifySchema {
    /** The codes this route answers with beyond the common ones (validation, auth, body, rate limit). */
    errors?: readonly ErrorCode[];
    /** 200 may be a replay of an earlier request: documents Idempotent-Replayed. */
    idempotent?: boolean;
    /**
     * What the document shows where the runtime schema is looser because the domain validates
     * (one set of rules for the API and the chat admin): the body, and the 200 response.
     */
    documented?: { body?: z.ZodType; ok?: z.ZodType };
  }
}

type JsonSchema = Record<string, unknown>;

const WEBHOOK_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    'X-Bashgah-Merchant': { type: 'string', format: 'uuid', description: 'The merchant id (from `bashgah merchant create`)' },
    'X-Bashgah-Timestamp': {
      type: 'string',
      pattern: '^\\d{1,12}$',
      description: 'Unix seconds when signed; more than 300 s of skew is refused',
    },
    'X-Bashgah-Signature': {
      type: 'string',
      description: 'v1=<hex HMAC-SHA256(webhookSecret, timestamp + "." + raw body)>; several comma-separated v1= values while rotating',
    },
  },
  required: ['X-Bashgah-Merchant', 'X-Bashgah-Timestamp', 'X-Bashgah-Signature'],
};

const IDEMPOTENT_REPLAYED = {
  'Idempotent-Replayed': {
    type: 'string',
    enum: ['true'],
    description: 'Present when this answer replays an earlier request with the same key and body (nothing was written again)',
  },
};
const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds until the per-merchant budget allows another request' } };

const API_KEY_CODES: ErrorCode[] = ['missing_api_key', 'invalid_api_key', 'rate_limited', 'too_many_failed_auth'];
const WEBHOOK_CODES: ErrorCode[] = [
  'unknown_merchant',
  'missing_signature',
  'stale_timestamp',
  'invalid_signature',
  'rate_limited',
  'too_many_failed_auth',
];
const BODY_CODES: ErrorCode[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type'];
const INPUT_CODES: ErrorCode[] = ['validation_failed', 'invalid_text'];

const toJson = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

function securityNames(schema: Record<string, unknown>): string[] {
  return ((schema.security as Record<string, unknown>[] | undefined) ?? []).flatMap((s) => Object.keys(s));
}

/** The codes a route can answer with, grouped by HTTP status. */
export function routeErrorCodes(schema: Record<string, unknown>, hasBody: boolean): Map<number, ErrorCode[]> {
  const security = securityNames(schema);
  const codes = new Set<ErrorCode>([
    ...INPUT_CODES,
    ...(hasBody ? BODY_CODES : []),
    ...(security.includes('apiKey') ? API_KEY_CODES : []),
    ...(security.includes('webhookSignature') ? WEBHOOK_CODES : []),
    ...((schema.errors as ErrorCode[] | undefined) ?? []),
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = STATUS_BY_KIND[ERROR_CODES[code].kind];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

/**
 * The zod transform, then what the route schemas say beyond types: each route's error codes
 * per status (from the catalogue), the webhook signature headers, Idempotent-Replayed and
 * Retry-After, and the documented shapes of bodies the domain validates.
 */
export const openApiTransform: typeof jsonSchemaTransform = (input) => {
  const source = (input.schema ?? {}) as Record<string, unknown> & { documented?: { body?: z.ZodType; ok?: z.ZodType } };
  const out = jsonSchemaTransform(input);
  const schema = out.schema as Record<string, unknown> & { response?: Record<string, JsonSchema> };
  if (!input.schema || schema.hide) return out;
  delete schema.errors;
  delete schema.idempotent;
  delete schema.documented;
  if (source.documented?.body) schema.body = toJson(source.documented.body, 'input');
  const response = (schema.response ??= {});
  if (source.documented?.ok) response['200'] = toJson(source.documented.ok, 'output');
  if (source.idempotent) response['200'] = { ...response['200'], headers: IDEMPOTENT_REPLAYED };
  if (securityNames(source).includes('webhookSignature')) schema.headers = WEBHOOK_HEADERS;

  const errorJson = Object.entries(response).find(([status]) => Number(status) >= 400)?.[1];
  for (const status of Object.keys(response)) if (Number(status) >= 400) delete response[status];
  if (!errorJson) return out;
  const methods = ([] as string[]).concat(input.route.method as string | string[]);
  const hasBody = schema.body !== undefined || methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m));
  for (const [status, codes] of [...routeErrorCodes(source, hasBody)].sort(([a], [b]) => a - b)) {
    const description = codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].message}`).join('\n\n');
    response[String(status)] = { ...errorJson, description, ...(status === 429 ? { headers: RETRY_AFTER } : {}) };
  }
  return out;
};
