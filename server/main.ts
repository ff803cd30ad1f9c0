/**
 * Composition root: configuration → stores → rooms → services (and their room hooks) → REST
 * routers → transports → listen. Each stage is a small assembler in server/compose/. Tests call
 * `startSitroom` with port 0; `start.ts` calls it for `npm start`.
 */
import type http from 'node:http';
import type { Config } from './config.ts';
import { openCluster } from './compose/cluster.ts';
import { readMapLayers } from './compose/map-layers.ts';
import { restApi } from './compose/rest-api.ts';
import { createRooms } from './compose/rooms.ts';
import { setUpServices, type Services } from './compose/services.ts';
import { openStores } from './compose/stores.ts';
import { listen } from './compose/transports.ts';
import { relayWarningEvents } from './compose/warning-events-relay.ts';
import type { Identity } from './identity/identity.ts';
import { createLogger, type Logger } from './log.ts';
import type { RoomRegistry } from './rooms/registry.ts';
import type { DocStore } from './store/doc-store.ts';
import type { SqliteDatabase } from './store/sqlite/database.ts';

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
	const mapLayers = readMapLayers(config.mapLayers);
	const stores = await openStores(config, log);
	let cluster: Awaited<ReturnType<typeof openCluster>> = null;
	try {
		cluster = await openCluster(config, stores, log);
	} catch (err) {
		await stores.close();
		throw err;
	}
	const rooms = createRooms(
		config,
		stores.docs,
		log,
		cluster ? { lifecycle: cluster.cluster, links: { presence: cluster.cluster.presence } } : undefined
	);
	let services: Services | undefined;
	/** Set as soon as the services exist, for the failed start's clean-up. */
	let started: Services | undefined;
	let warningRelay = null as { close(): Promise<void> } | null;
	try {
		// Nodes starting together on one PostgreSQL take turns here: the services seed what an
		// empty database lacks (organisations, demo accounts, the demo incident and registers).
		services = await stores.exclusiveStart(async () => {
			const s = await setUpServices({
				config,
				repositories: stores.repositories,
				attachmentFiles: stores.attachmentFiles,
				rooms,
				log,
				...(cluster ? { loginThrottle: cluster.loginThrottle } : {})
			});
			started = s;
			if (cluster) {
				cluster.follow([s.identity.identity.orgs, s.incidents.index]);
				// Last: the owner publishes what every other hook has seen committed.
				rooms.use(cluster.cluster.hooks);
				await cluster.cluster.start(rooms.registry);
				warningRelay = await relayWarningEvents(cluster, s.warnings, log);
			}
			await s.incidents.start();
			await s.registers.start();
			return s;
		});
		await services.warnings.start();
	} catch (err) {
		// A server that cannot start (an invalid demo scenario, say) leaves nothing open behind.
		started?.incidents.stop();
		started?.stop();
		await warningRelay?.close();
		await rooms.registry.shutdown();
		await cluster?.close();
		await stores.close();
		throw err;
	}
	const { identity } = services.identity;

	let stopping = false;
	const transports = await listen({
		config,
		log,
		registry: rooms.registry,
		identity,
		authenticate: services.identity.authenticate,
		api: restApi({ services, registry: rooms.registry, mapLayers, log }),
		mapLayers,
		isReady: () => !stopping && stores.docs.isReady()
	});
	log.info({ url: transports.url, store: stores.docs.kind, dataDir: config.dataDir }, 'sitroom listening');

	const stop = async (): Promise<void> => {
		if (stopping) return;
		stopping = true;
		log.info('shutting down');
		services.incidents.stop();
		// Open event streams would hold the HTTP server's close for as long as their pages stay.
		services.warnings.events.close();
		// Rooms close their peers with ShuttingDown and commit what they hold. Only then stop
		// listening: the transports drop whoever is left without a reason.
		await rooms.registry.shutdown();
		await transports.close();
		services.stop();
		await warningRelay?.close();
		await cluster?.close();
		await stores.close();
		transports.server.closeAllConnections();
		log.info('stopped');
	};

	return {
		config,
		log,
		registry: rooms.registry,
		store: stores.docs,
		db: stores.sqlite,
		identity,
		server: transports.server,
		url: transports.url,
		port: transports.port,
		stop
	};
}
