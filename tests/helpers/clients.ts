/**
 * Real clients for tests: a standard y-websocket WebsocketProvider, and the app's own
 * Socket.IO sync client.
 */
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';

export interface YwsClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	destroy(): void;
}

export function connectYws(baseUrl: string, room: string, params: Record<string, string> = {}): YwsClient {
	const doc = new Y.Doc();
	const wsUrl = baseUrl.replace(/^http/, 'ws') + '/yjs';
	const provider = new WebsocketProvider(wsUrl, room, doc, {
		// Node 20 has no global WebSocket.
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		params,
		disableBc: true
	});
	return {
		doc,
		provider,
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

export function waitForSync(provider: WebsocketProvider, timeoutMs = 10_000): Promise<void> {
	if (provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error('sync timed out')), timeoutMs);
		provider.once('sync', () => {
			clearTimeout(t);
			resolve();
		});
	});
}

/** Polls `check` until it returns true. */
export async function eventually(
	check: () => boolean,
	timeoutMs = 10_000,
	what = 'condition'
): Promise<void> {
	const t0 = Date.now();
	while (!check()) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 10));
	}
}

import { io as ioClient } from 'socket.io-client';
import { SyncProvider, type AppSocket, type SyncState } from '../../src/lib/realtime/sync-provider.ts';
import type { RefusedChange } from '../../src/lib/domain/protocol.ts';

export interface SioClient {
	/** Every change the server undid in this client's accepted updates (accept and compensate), in order. */
	refusedChanges: RefusedChange[];
	doc: Y.Doc;
	socket: AppSocket;
	provider: SyncProvider;
	states: SyncState[];
	destroy(): void;
}

export function connectSio(
	baseUrl: string,
	room: string,
	opts: { transports?: Array<'websocket' | 'polling'>; headers?: Record<string, string> } = {}
): SioClient {
	const doc = new Y.Doc();
	const socket: AppSocket = ioClient(baseUrl, {
		transports: opts.transports ?? ['websocket'],
		extraHeaders: opts.headers,
		reconnectionDelay: 50,
		reconnectionDelayMax: 200,
		forceNew: true
	});
	const states: SyncState[] = [];
	const refusedChanges: RefusedChange[] = [];
	const provider = new SyncProvider(socket, room, doc, {
		onState: (s) => states.push(s),
		onRefusedChanges: (_room, changes) => refusedChanges.push(...changes)
	});
	return {
		doc,
		socket,
		provider,
		states,
		refusedChanges,
		destroy() {
			provider.destroy();
			socket.disconnect();
			doc.destroy();
		}
	};
}

export async function waitForSioSync(c: SioClient, timeoutMs = 10_000): Promise<void> {
	await eventually(() => c.provider.state.synced, timeoutMs, 'socket.io sync');
}
