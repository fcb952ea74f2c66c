import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Update } from 'grammy/types';
import { BotApiError, LocalBotApi, type LocalUser } from './local-bot-api.js';

/** JSON fields arrive as strings in multipart and form bodies. */
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'commands',
  'allowed_updates',
  'link_preview_options',
  'reply_parameters',
]);

function decodeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = typeof v === 'string' && JSON_FIELDS.has(k) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

async function readPayload(request: FastifyRequest) {
  const files = new Map<string, { data: Buffer; mime: string }>();
  if (request.isMultipart()) {
    const fields: Record<string, unknown> = {};
    for await (const part of request.parts()) {
      if (part.type === 'file') files.set(part.fieldname, { data: await part.toBuffer(), mime: part.mimetype });
      else fields[part.fieldname] = part.value;
    }
    return { payload: decodeFields(fields), files };
  }
  const body = (request.body ?? {}) as Record<string, unknown>;
  return { payload: decodeFields({ ...(request.query as Record<string, unknown>), ...body }), files };
}

/** Delivers updates to a webhook the way Telegram does, retrying a few times on failure. */
export async function deliverToWebhook(webhook: { url: string; secret?: string }, update: Update): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(webhook.secret ? { 'x-telegram-bot-api-secret-token': webhook.secret } : {}) },
        body: JSON.stringify(update),
      });
      if (res.ok || (res.status >= 400 && res.status < 500)) return;
    } catch {
      // the bot's server is not reachable yet; try again
    }
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
}

const userSchema = (v: unknown): LocalUser => {
  const u = v as LocalUser;
  if (!u || typeof u.id !== 'number' || !u.first_name) throw new BotApiError(400, 'user needs a numeric id and a first_name');
  return u;
};

/**
 * Serves the local Bot API under the plugin's prefix: `<prefix>/bot<token>/<method>` for bots
 * (Telegram's URL shape), and `<prefix>/client/…` for people and tests acting as users.
 */
export function localBotApiRoutes(api: LocalBotApi): FastifyPluginAsync {
  return async (app) => {
    // Bots long-poll getUpdates for up to 30 s; let the server close without waiting for them.
    app.addHook('preClose', async () => api.shutdown());
    await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024 } });
    // Bots may send form bodies here; the API's own form parser refuses them on JSON routes.
    if (app.hasContentTypeParser('application/x-www-form-urlencoded')) app.removeContentTypeParser('application/x-www-form-urlencoded');
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.route({
      method: ['GET', 'POST'],
      url: '/:botPath/:method',
      schema: { hide: true },
      handler: async (request, reply) => {
        const { botPath, method } = request.params as { botPath: string; method: string };
        if (!botPath.startsWith('bot')) return reply.status(404).send({ ok: false, error_code: 404, description: 'Not Found' });
        try {
          const { payload, files } = await readPayload(request);
          const result = await api.call(botPath.slice(3), method, payload, files);
          return { ok: true, result };
        } catch (err) {
          if (!(err instanceof BotApiError)) throw err;
          return reply.status(err.code).send({
            ok: false,
            error_code: err.code,
            description: err.description,
            ...(err.retryAfter ? { parameters: { retry_after: err.retryAfter } } : {}),
          });
        }
      },
    });

    app.get('/client/bots', { schema: { hide: true } }, async () => api.listBots());

    app.post('/client/:bot/updates', { schema: { hide: true } }, async (request, reply) => {
      const { bot } = request.params as { bot: string };
      const body = request.body as {
        user: unknown;
        text?: string;
        contact?: { phone_number: string; user_id?: number };
        callback?: { message_id: number; data: string };
      };
      try {
        const token = api.botByUsername(bot).token;
        const user = userSchema(body.user);
        if (body.text !== undefined) return { update: api.sendText(token, user, body.text) };
        if (body.contact) return { update: api.sendContact(token, user, body.contact.phone_number, body.contact.user_id ?? user.id) };
        if (body.callback) return { update: api.pressButton(token, user, body.callback.message_id, body.callback.data) };
        return reply.status(400).send({ error: 'send text, contact or callback' });
      } catch (err) {
        if (err instanceof BotApiError) return reply.status(err.code).send({ error: err.description });
        throw err;
      }
    });

    app.get('/client/:bot/chats/:userId', { schema: { hide: true } }, async (request) => {
      const { bot, userId } = request.params as { bot: string; userId: string };
      const { after, wait } = request.query as { after?: string; wait?: string };
      const token = api.botByUsername(bot).token;
      if (wait) await api.waitForBot(token, Number(userId), { after: Number(after ?? 0), timeoutMs: Math.min(Number(wait), 30) * 1000 });
      return api.transcript(token, Number(userId), Number(after ?? 0));
    });

    // The playground: the whole chat whenever it changes (long poll).
    app.get('/client/:bot/chats/:userId/live', { schema: { hide: true } }, async (request) => {
      const { bot, userId } = request.params as { bot: string; userId: string };
      const { since, wait, name } = request.query as { since?: string; wait?: string; name?: string };
      const token = api.botByUsername(bot).token;
      return api.chatAfterChange(
        token,
        { id: Number(userId), first_name: name || 'User' },
        Number(since ?? -1),
        Math.min(Number(wait ?? 25), 30) * 1000,
      );
    });

    app.post('/client/:bot/chats/:userId/block', { schema: { hide: true } }, async (request) => {
      const { bot, userId } = request.params as { bot: string; userId: string };
      api.setBlocked(api.botByUsername(bot).token, Number(userId), Boolean((request.body as { blocked?: boolean }).blocked));
      return { ok: true };
    });

    app.get('/client/files/:fileId', { schema: { hide: true } }, async (request, reply) => {
      const file = api.file((request.params as { fileId: string }).fileId);
      if (!file) return reply.status(404).send({ error: 'no such file' });
      return reply.type(file.mime || 'application/octet-stream').send(file.data);
    });
  };
}

/**
 * A standalone local Bot API on its own port (tests, benchmarks); `apiRoot` is what bots use.
 * `prefix` serves it under a path (`/bale` gives a Bale-shaped root: `<root>/bot<token>/<method>` elsewhere than Telegram's).
 */
export async function startLocalBotApi(
  opts: { port?: number; host?: string; api?: LocalBotApi; prefix?: string } = {},
): Promise<{ api: LocalBotApi; apiRoot: string; app: FastifyInstance; close(): Promise<void> }> {
  const api = opts.api ?? new LocalBotApi({ deliver: deliverToWebhook });
  const app = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  await app.register(localBotApiRoutes(api), { prefix: opts.prefix ?? '' });
  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  return { api, apiRoot: `${address}${opts.prefix ?? ''}`, app, close: () => app.close() };
}
