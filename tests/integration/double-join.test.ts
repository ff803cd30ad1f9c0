/**
 * A Socket.IO client that asks to join the same room twice before the first join is answered
 * ends up as one peer of that room, and leaves no peer behind when it disconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRawSio } from '../helpers/raw-clients.ts';
import { eventually } from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { PROTOCOL_VERSION } from '../../src/lib/domain/protocol.ts';

describe('joining a room twice at once', () => {
	let server: TestServer;
	let cookie: string;

	beforeAll(async () => {
		server = await startTestServer(ADHOC_ROOMS);
		cookie = (await server.login()).cookie;
	});
	afterAll(async () => {
		await server.dispose();
	});

	it('leaves no ghost peer in the room after the socket disconnects', async () => {
		const client = await connectRawSio(server.url, 'double-a', cookie);
		const acks = await Promise.all(
			[1, 2].map(
				() =>
					new Promise<unknown>((resolve) => {
						client.socket.emit('join', 'double-b', { protocol: PROTOCOL_VERSION }, resolve);
					})
			)
		);
		expect(acks).toEqual([{ ok: true }, { ok: true }]);
		expect(server.registry.get('double-b')?.peerCount).toBe(1);
		client.disconnect();
		await eventually(
			() => (server.registry.get('double-b')?.peerCount ?? 0) === 0,
			3000,
			'the room to be empty'
		);
	});
});
