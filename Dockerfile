# Bashgah: one image, every role (ROLE=all|api|bot|worker|whatsapp).

FROM node:20-slim AS deps
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .npmrc .puppeteerrc.cjs prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/db ./scripts/db
# postinstall generates the Prisma client into src/generated
RUN npm ci --omit=dev

FROM node:20-slim
# Chromium drives WhatsApp Web (whatsapp-web.js); Noto renders Persian in it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-core ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium \
    PORT=3000
COPY . .
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME /data
EXPOSE 3000
CMD ["sh", "-c", "node --import tsx scripts/db/migrate.ts && exec node --import tsx src/main.ts"]
