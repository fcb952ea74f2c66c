import { z } from 'zod';

export const errorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  415: errorSchema,
  422: errorSchema,
  429: errorSchema,
};

export const money = z.number().int().min(0).max(1e15);
export const positiveMoney = z.number().int().min(1).max(1e15);
export const balancesSchema = z.object({ points: z.number().int(), coins: z.number().int(), credit: z.number().int() });

export const itemSchema = z
  .object({
    sku: z.string().min(1).max(128),
    category: z.string().min(1).max(64).optional(),
    quantity: z.number().int().min(1).max(1_000_000),
    unitPrice: money,
  })
  .strict();
