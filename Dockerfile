# Bashgah: one image, every role (ROLE=all|api|bot|worker|whatsapp), running compiled JavaScript.

# Build: every dependency (TypeScript included), the Prisma client, then `npm run build` to dist/.
FROM node:20-slim AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .npmrc .puppeteerrc.cjs prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts ./scripts
# postinstall generates the Prisma client into src/generated; the build compiles it with the rest.
RUN npm ci
COPY src ./src
RUN npm run build

# Production dependencies only (postinstall generates the client again; dist has its compiled copy).
FROM node:20-slim AS deps
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json .npmrc .puppeteerrc.cjs prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/db ./scripts/db
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
COPY package.json package-lock.json .npmrc ./
COPY --from=deps /app/node_modules ./node_modules
# dist/ finds locales/ and prisma/ (migrations, ledger functions) beside it, as src/ does.
COPY --from=build /app/dist ./dist
COPY locales ./locales
COPY prisma ./prisma
COPY scripts/bashgah.js scripts/dist-fresh.mjs ./scripts/
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME /data
EXPOSE 3000
# main.js applies pending migrations before the roles start.
CMD ["node", "dist/main.js"]
