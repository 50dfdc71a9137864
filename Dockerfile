# The ReYNa Studio API and its workers: one image, `serve` (default) or `worker [ids..]`.
# The TypeScript sources run as they are through tsx (a runtime dependency); only the Studio web
# app is built, in a stage of its own with the development dependencies (Vite).
FROM node:22-bookworm-slim AS studio
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY client-sdk ./client-sdk
COPY web ./web
RUN npm run studio:build

FROM node:22-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so a change to the sources reuses this layer. `npm ci` refuses the lock
# file (it is written without download addresses); `npm install` installs the locked versions.
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY src ./src
COPY db ./db
COPY processors ./processors
# The persisted-operations manifest (REYNA_PERSISTED_OPERATIONS), generated with the client SDK.
COPY client-sdk/generated/persisted-documents.json ./client-sdk/generated/
# The built Studio, served at /. Its sources are not in the image, so it is never rebuilt here.
COPY --from=studio /build/web/dist ./web/dist

# Only used without DATABASE_URL (embedded PGlite): the one folder the process writes to.
RUN mkdir .reyna-data && chown node:node .reyna-data
USER node

EXPOSE 8010
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["serve"]
