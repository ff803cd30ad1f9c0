# Sitroom: the built app and the server, run as a non-root user.
# Build:  docker build -t sitroom .
# Run:    docker run -p 3000:3000 -v sitroom-data:/data sitroom   (SQLite under /data)
#         add -e DATABASE_URL=postgres://… to keep every store in PostgreSQL instead.

# 1. Dependencies (better-sqlite3 compiles here, with the toolchain of the full image), the app
#    build with its source stamp (so `npm start` finds it current), then only production packages.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npx svelte-kit sync \
	&& NODE_ENV=production npx vite build \
	&& npx tsx -e "import('./server/build-stamp.ts').then((m) => m.writeBuildStamp(process.cwd(), 'build'))" \
	&& npm prune --omit=dev \
	&& rm -rf tests bench .svelte-kit/output dist

# 2. Runtime: the slim image, the same Node and glibc as the build, no compilers.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0 DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The server compiles its entry point into dist/ at start (scripts/run-server.mjs); data in /data.
RUN mkdir -p /data /app/dist && chown node:node /data /app/dist
USER node
EXPOSE 3000
VOLUME ["/data"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
	CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "scripts/run-server.mjs", "server/start.ts"]
