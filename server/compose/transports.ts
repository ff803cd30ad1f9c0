/**
 * The HTTP server with the REST API and the app, and the two realtime transports over the rooms,
 * listening on one port. Socket.IO connections are tracked from the handshake on, before they
 * join any room, so that logout or deactivation also drops them.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { tileOrigins, type MapLayerConfig } from '#domain/map-layers';
import { Close } from '#domain/protocol';
import type { Config } from '../config.ts';
import type { Identity } from '../identity/identity.ts';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Authenticate } from '../transport/authenticate.ts';
import { createHttpApp } from '../transport/http-app.ts';
import { attachSocketIO, closeSocketIO } from '../transport/socketio.ts';
import { attachYWebsocket } from '../transport/y-websocket.ts';
import { useRedisAdapter } from './socketio-redis-adapter.ts';

export interface Transports {
	server: http.Server;
	/** http://host:port of the listening server. */
	url: string;
	port: number;
	/** Stops listening and closes every realtime connection; after the rooms closed their peers. */
	close(): Promise<void>;
}

export async function listen(opts: {
	config: Config;
	log: Logger;
	registry: RoomRegistry;
	identity: Identity;
	authenticate: Authenticate;
	api: Router[];
	mapLayers: readonly MapLayerConfig[];
	isReady: () => boolean;
}): Promise<Transports> {
	const { config, log, registry, authenticate } = opts;
	const app = await createHttpApp({
		log,
		isReady: opts.isReady,
		api: opts.api,
		appBuildDir: config.serveApp ? path.resolve('build') : null,
		// REST bodies carry reference data and imports, never documents: 10 MiB is ample.
		maxBodyBytes: Math.min(config.maxMessageBytes, 10 * 1024 * 1024),
		trustProxy: config.trustProxy,
		// The pages show the configured online map layers: their tile servers are images to allow.
		pageSources: { 'img-src': tileOrigins(opts.mapLayers) }
	});
	const server = http.createServer(app);
	const io = attachSocketIO(server, { registry, authenticate, maxMessageBytes: config.maxMessageBytes, log });
	// Several nodes: Socket.IO's own events (not document state: rooms resync by state vectors)
	// reach sockets on every node through Redis.
	const adapter = config.cluster
		? await useRedisAdapter(io, { url: config.cluster.redisUrl, prefix: config.cluster.prefix, log })
		: null;
	io.on('connection', (socket) => {
		const who = socket.data.identity;
		if (!who) return;
		const untrack = opts.identity.connections.add({
			identity: who,
			close: () => socket.disconnect(true)
		});
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
	return {
		server,
		url: `http://${host}:${port}`,
		port,
		async close() {
			// Once the HTTP server emits 'close', engine.io drops every socket unnamed: the rooms
			// have told their peers why before this is called.
			server.close();
			yws.closeAll(Close.ShuttingDown);
			// Resolves once each client's queued `closed` (4503) has been flushed.
			await closeSocketIO(io);
			await adapter?.close();
		}
	};
}
