/**
 * Types for the one export of @y/websocket-server@0.1.1 the reference server uses: the
 * package's declared types (dist/src/utils.d.ts) are missing from its published tarball.
 */
declare module '@y/websocket-server/utils' {
	import type { IncomingMessage } from 'node:http';
	import type { WebSocket } from 'ws';

	export function setupWSConnection(
		conn: WebSocket,
		req: IncomingMessage,
		opts?: { docName?: string; gc?: boolean }
	): void;
}
