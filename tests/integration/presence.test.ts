/**
 * Presence the server vouches for (security review item 13), over both transports: the server
 * writes when someone started presenting, roles that may not present cannot, and an awareness id
 * stays with the user who announced it, so nobody can hide a user who dropped and comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAt, realtimeTokenAt } from '../helpers/auth.ts';
import { connectYws, eventually, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { awarenessUpdate } from '../fuzz/fuzz-messages.ts';
import { awarenessFrame, connectRawSio, connectRawWs } from '../helpers/raw-clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';
const TEN_YEARS = 10 * 365 * 24 * 3600 * 1000;

type Transport = 'socket.io' | 'y-websocket';

describe.each<Transport>(['socket.io', 'y-websocket'])('presence over %s', (transport) => {
	let server: TestServer;
	let watcher: YwsClient;
	const closers: Array<() => void> = [];

	/** Sends one awareness entry as `username` and keeps the connection open. */
	async function announce(username: string, clientId: number, clock: number, state: unknown): Promise<void> {
		const session = await loginAt(server.url, username);
		const frame = awarenessFrame(awarenessUpdate(clientId, clock, state));
		if (transport === 'socket.io') {
			const c = await connectRawSio(server.url, ROOM, session.cookie);
			closers.push(() => c.disconnect());
			await c.send(frame);
		} else {
			const c = await connectRawWs(server.url, ROOM, await realtimeTokenAt(server.url, session, ROOM));
			closers.push(() => c.ws.terminate());
			c.ws.send(frame);
		}
	}

	const seen = (clientId: number): Record<string, unknown> | undefined =>
		watcher.provider.awareness.getStates().get(clientId) as Record<string, unknown> | undefined;

	beforeAll(async () => {
		server = await startTestServer();
		const s = await loginAt(server.url, 'commander');
		watcher = connectYws(server.url, ROOM, { token: await realtimeTokenAt(server.url, s, ROOM) });
		await waitForSync(watcher.provider);
	});

	afterAll(async () => {
		for (const c of closers.splice(0)) c();
		watcher?.destroy();
		await server?.dispose();
	});

	it('writes the server’s time when a member starts presenting, whatever time the client claimed', async () => {
		const before = Date.now();
		await announce('water', 501, 1, { pointer: null, view: null, presentingSince: Date.now() + TEN_YEARS });
		await eventually(() => seen(501) !== undefined, 5_000, 'the presenter');
		const since = seen(501)!.presentingSince as number;
		expect(since).toBeGreaterThanOrEqual(before - 1);
		expect(since).toBeLessThanOrEqual(Date.now());
	});

	it('publishes no presenter flag for a role that may not present', async () => {
		await announce('admin', 502, 1, { pointer: null, view: null, presentingSince: Date.now() });
		await eventually(() => seen(502) !== undefined, 5_000, 'the administrator');
		expect(seen(502)!.presentingSince).toBeNull();
	});

	it('keeps a dropped user’s awareness id from another member, and gives it back to that user', async () => {
		await announce('field1', 503, 1, { pointer: [105.8, 32.6] });
		await eventually(() => seen(503) !== undefined, 5_000, 'field1');
		closers.pop()!();
		await eventually(() => seen(503) === undefined, 5_000, 'field1 to leave');
		// Another member takes the id, with a clock far ahead.
		await announce('chaotian', 503, 1_000, { pointer: [0, 0] });
		await new Promise((r) => setTimeout(r, 300));
		expect(seen(503)).toBeUndefined();
		// field1 comes back under its id and is seen again, as itself.
		await announce('field1', 503, 2, { pointer: [105.9, 32.7] });
		await eventually(() => seen(503) !== undefined, 5_000, 'field1 back');
		expect((seen(503)!.user as { id: string }).id).toBe(
			(await server.identity.users.byUsername('field1'))!.id
		);
	});
});
