/**
 * The page's one Socket.IO connection, shared by every room it shows. Same origin, so the
 * session cookie authenticates it; WebSocket first, long-polling when a proxy blocks upgrades.
 */
import { io } from 'socket.io-client';
import type { AppSocket } from './sync-provider.ts';

let shared: AppSocket | null = null;

export function appSocket(): AppSocket {
	if (!shared) {
		shared = io({
			transports: ['websocket', 'polling'],
			// Field phones lose signal for minutes: keep trying, but do not hammer the server.
			reconnectionDelay: 500,
			reconnectionDelayMax: 10_000,
			randomizationFactor: 0.5
		});
	}
	return shared;
}

/** Closes the shared connection (logout). The next appSocket() call opens a new one. */
export function closeAppSocket(): void {
	shared?.disconnect();
	shared = null;
}
