import { z } from 'zod';
import QRCode from 'qrcode';
import type { Redis } from 'ioredis';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { MerchantService } from '../../../domain/merchants/merchant-service.js';
import { readWhatsAppStatus } from '../../../channels/whatsapp/whatsapp-channel.js';
import { errorResponses } from '../../schemas/common.js';
import { errorBody } from '../../errors.js';

const security = [{ apiKey: [] }];
const statusSchema = z
  .object({
    number: z.string().nullable().describe('The club WhatsApp number (E.164), null when the club is not on WhatsApp'),
    state: z.enum(['off', 'stopped', 'launching', 'connecting', 'pairing', 'ready', 'offline']),
    pairing: z.boolean().describe('A QR waits to be scanned at /v1/whatsapp/qr.png'),
  })
  .meta({ id: 'WhatsAppStatus' });

/** The club's WhatsApp: its number and connection, and the pairing QR while one is waiting. */
export const whatsappRoutes: FastifyPluginAsyncZod<{ merchants: MerchantService; redis: Redis; redisPrefix: string }> = async (
  app,
  { merchants, redis, redisPrefix },
) => {
  app.get(
    '/whatsapp',
    {
      schema: {
        tags: ['whatsapp'],
        summary: 'WhatsApp number and connection state',
        security,
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { whatsappNumber } = await merchants.get(request.merchantId!);
      const status = whatsappNumber ? await readWhatsAppStatus(redis, redisPrefix, request.merchantId!) : null;
      return {
        number: whatsappNumber,
        state: whatsappNumber ? (status?.state ?? ('stopped' as const)) : ('off' as const),
        pairing: Boolean(status?.qr),
      };
    },
  );

  app.get(
    '/whatsapp/qr.png',
    {
      schema: {
        tags: ['whatsapp'],
        summary: 'The pairing QR as a PNG: scan it in WhatsApp → Linked devices on the club phone',
        security,
        errors: ['no_pairing_qr'],
        produces: ['image/png'],
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const status = await readWhatsAppStatus(redis, redisPrefix, request.merchantId!);
      if (!status?.qr)
        return reply
          .status(404)
          .send(
            errorBody(
              'no_pairing_qr',
              status?.state === 'ready'
                ? 'WhatsApp is already paired'
                : 'No QR is waiting: the WhatsApp process has not reached WhatsApp Web yet (see its log)',
            ),
          );
      const png = await QRCode.toBuffer(status.qr, { type: 'png', width: 512, margin: 2 });
      return reply
        .type('image/png')
        .header('cache-control', 'no-store')
        .send(png as never);
    },
  );
};
