# One image for every Tessera service. APP (gateway, catalog, drm, payments, chain-indexer) picks the
# application at run time; the `build` stage, with dev dependencies and sources, runs the init job.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run --if-present contracts:build && npm run build

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY deploy/node-flags.conf ./deploy/node-flags.conf
COPY deploy/docker/entrypoint.sh /usr/local/bin/tessera-entrypoint
ARG APP=gateway
ENV APP=${APP}
USER node
ENTRYPOINT ["tessera-entrypoint"]
