# syntax=docker/dockerfile:1.7
# Base image pinned by digest: a tag can be moved, a digest cannot. The major matches package.json
# `engines` and the Node that .ci/run installs; README "Container" says how to update both together.
FROM node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553 AS base

# Build stage: full dependencies, compile src/ (only src/: the demo, the simulator and the tests live in
# tools/ and test/, which neither this file copies nor .dockerignore lets into the context).
# --ignore-scripts: no dependency's install script runs here. None is needed: @swc/core and
# @parcel/watcher (dev only) ship their native code as optional per-platform packages, protobufjs's
# postinstall only checks versions, and @firebase/util's writes a web-app config the worker never reads.
FROM base AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, from the same lockfile, also without install scripts.
FROM base AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Runtime: non-root, no build tools. tini is PID 1 so SIGTERM reaches node and zombies are reaped;
# node itself exits 0 after a graceful shutdown.
FROM base AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
