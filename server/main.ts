/**
 * Composition root: configuration → store → rooms → transports → listen. Tests call
 * `startSitroom` with port 0; `start.ts` calls it for `npm start`.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { tileOrigins } from '#domain/map-layers';
import { Close } from '#domain/protocol';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import { RoomRegistry } from './rooms/registry.ts';
import type { RoomHooks } from './rooms/hooks.ts';
import type { DocStore } from './store/doc-store.ts';
import { MemoryDocStore } from './store/memory-doc-store.ts';
import { openDatabase, type SqliteDatabase } from './store/sqlite/database.ts';
import { docLogMigrations } from './store/sqlite/doc-log.ts';
import { SqliteDocStore } from './store/sqlite/sqlite-doc-store.ts';
import { createHttpApp } from './transport/http-app.ts';
import { attachSocketIO, closeSocketIO } from './transport/socketio.ts';
import { attachYWebsocket } from './transport/y-websocket.ts';
import type { Identity } from './identity/identity.ts';
import { identityMigrations } from './identity/schema.ts';
import { setUpIdentity } from './identity/setup.ts';
import { incidentMigrations } from './incidents/schema.ts';
import { setUpIncidents } from './incidents/setup.ts';
import { mayRead } from './incidents/room-access.ts';
import { cachedGuardDecision, guardMigrations, setUpGuard } from './guard/setup.ts';
import { auditRouter } from './api/audit.ts';

export interface Sitroom {
	readonly config: Config;
	readonly log: Logger;
	readonly registry: RoomRegistry;
	readonly store: DocStore;
	readonly db: SqliteDatabase | null;
	readonly identity: Identity;
	readonly server: http.Server;
	/** http://host:port of the listening server. */
	readonly url: string;
	readonly port: number;
	/** Graceful stop: refuse new work, close peers with a named reason, commit, close the store. */
	stop(): Promise<void>;
}

export async function startSitroom(
	config: Config,
	log: Logger = createLogger(config.logLevel)
): Promise<Sitroom> {
	let db: SqliteDatabase | null = null;
	let store: DocStore;
	if (config.store === 'sqlite') {
		const file = path.join(config.dataDir, 'sitroom.db');
		db = openDatabase({
			file,
			synchronous: config.sqliteSynchronous,
			migrations: [...docLogMigrations, ...identityMigrations, ...incidentMigrations, ...guardMigrations]
		});
		// With FULL durability, the log's fsync runs off the main thread (wal-sync.ts).
		store = new SqliteDocStore(
			db,
			config.sqliteSynchronous === 'full' ? { file, syncIntervalMs: config.syncIntervalMs } : {}
		);
	} else {
		store = new MemoryDocStore();
	}
	// Identity is relational: with the in-memory document store it lives in an in-memory database.
	const identityDb =
		db ??
		openDatabase({
			file: ':memory:',
			migrations: [...identityMigrations, ...incidentMigrations, ...guardMigrations]
		});

	const hooks: RoomHooks[] = [];
	const auth = await setUpIdentity({
		config,
		db: identityDb,
		log,
		rooms: {
			leave: (name, peer) => registry.get(name)?.leave(peer),
			isPresent: (name, peer) => {
				const room = registry.get(name);
				if (room) for (const p of room.peers) if (p === peer) return true;
				return false;
			}
		}
	});
	const identity = auth.identity;
	hooks.push(auth.hooks);
	const registry = new RoomRegistry({
		store,
		hooks,
		limits: {
			maxMessageBytes: config.maxMessageBytes,
			maxAwarenessStateBytes: config.maxAwarenessStateBytes,
			maxQueuedBytes: config.maxQueuedBytes,
			snapshotEvery: config.snapshotEvery,
			visibleAfter: config.visibleAfter
		},
		idleUnloadMs: config.roomIdleMs,
		log
	});
	const incidents = setUpIncidents({ config, db: identityDb, registry, identity, log });
	hooks.push(...incidents.hooks);
	// The permission guard last: it judges updates of peers the hooks above have admitted.
	const guard = setUpGuard({
		db: identityDb,
		// The database's file (':memory:' with the in-memory store): attribution rows get a
		// connection of their own there.
		file: identityDb.name,
		log,
		orgs: identity.orgs,
		guards: config.allowAdhocRooms
			? cachedGuardDecision(
					(room) => incidents.index.has(room),
					() => incidents.index.membershipVersion
				)
			: () => true
	});
	hooks.push(guard.hooks);
	const audit = auditRouter({
		attribution: guard.attribution,
		names: {
			userName: (id) => identity.users.byId(id)?.displayName,
			orgName: (id) => identity.orgs.get(id)?.name
		},
		mayRead: (actor, id) => mayRead(incidents.index, actor, id)
	});
	await incidents.start();

	let stopping = false;
	const app = await createHttpApp({
		log,
		isReady: () => !stopping && store.isReady(),
		api: [...auth.api, ...incidents.api, audit],
		appBuildDir: config.serveApp ? path.resolve('build') : null,
		// REST bodies carry reference data and imports, never documents: 10 MiB is ample.
		maxBodyBytes: Math.min(config.maxMessageBytes, 10 * 1024 * 1024),
		trustProxy: config.trustProxy,
		// The pages show the configured online map layers: their tile servers are images to allow.
		pageSources: { 'img-src': tileOrigins(incidents.mapLayers) }
	});
	const server = http.createServer(app);
	const authenticate = auth.authenticate;
	const io = attachSocketIO(server, { registry, authenticate, maxMessageBytes: config.maxMessageBytes, log });
	// Sockets in no room yet are tracked too, so that logout or deactivation drops them.
	io.on('connection', (socket) => {
		const who = socket.data.identity;
		if (!who) return;
		const untrack = identity.connections.add({ identity: who, close: () => socket.disconnect(true) });
		socket.on('disconnect', untrack);
	});
	const yws = attachYWebsocket(server, {
		registry,
		authenticate,
		maxMessageBytes: config.maxMessageBytes,
		log
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
	const url = `http://${host}:${port}`;
	log.info({ url, store: store.kind, dataDir: config.dataDir }, 'sitroom listening');

	const stop = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		log.info('shutting down');
		incidents.stop();
		// Rooms close their peers with ShuttingDown and commit what they hold. Only then stop
		// listening: once the HTTP server emits 'close', engine.io drops every socket unnamed.
		await registry.shutdown();
		server.close();
		yws.closeAll(Close.ShuttingDown);
		// Closes once each client's queued `closed` (4503) has been flushed.
		await closeSocketIO(io);
		identity.stop();
		guard.stop();
		await store.close();
		db?.close();
		if (identityDb !== db) identityDb.close();
		server.closeAllConnections();
		log.info('stopped');
	};

	return { config, log, registry, store, db, identity, server, url, port, stop };
}
