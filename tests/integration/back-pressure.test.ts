/**
 * A connection that stops reading must not make the server hold what it does not take.
 * Regression (security review): every sync request (step 1) was answered with the whole document
 * however much was still queued for the connection; a client that stopped reading and sent a few
 * hundred bytes of requests grew the server by hundreds of MB. Now a connection has at most one
 * large answer waiting for it, its answers are paced by a byte budget, and it is closed with
 * connection-too-slow once more than MAX_QUEUED_BYTES wait for it. Over both transports.
 */
import type { Socket as NetSocket } from 'node:net';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncType } from '../../src/lib/domain/protocol.ts';
import { connectYws, eventually, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { connectRawSio, connectRawWs, syncFrame, type RawSio, type RawWs } from '../helpers/raw-clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'backlog-room';
const EMPTY_SV = Y.encodeStateVector(new Y.Doc());

/** The network socket under a raw client, to stop and resume reading from it. */
function netSocketOf(c: RawWs | RawSio): NetSocket {
	if ('ws' in c) return (c.ws as unknown as { _socket: NetSocket })._socket;
	const engine = c.socket.io.engine as unknown as { transport: { ws: { _socket: NetSocket } } };
	return engine.transport.ws._socket;
}

/** Reads again (a paused socket would hold the close handshake) and goes. */
function stop(c: RawWs | RawSio): void {
	try {
		netSocketOf(c).resume();
	} catch {
		// Already gone: nothing to resume.
	}
	if ('ws' in c) c.ws.terminate();
	else c.disconnect();
}

function sendFrame(c: RawWs | RawSio, frame: Uint8Array): void {
	if ('ws' in c) c.ws.send(frame);
	else c.socket.emit('y', ROOM, frame);
}

/** Fills the room with about `mb` MB through a standard client, and waits until it is stored. */
async function fill(server: TestServer, token: string, mb: number): Promise<YwsClient> {
	const writer = connectYws(server.url, ROOM, { token });
	await waitForSync(writer.provider);
	writer.doc.getArray<string>('big').insert(
		0,
		Array.from({ length: mb * 10 }, (_, i) => `${i}`.padEnd(100_000, 'x'))
	);
	await eventually(() => (server.registry.get(ROOM)?.lastSeq ?? 0) > 0, 10_000, 'the fill to be stored');
	return writer;
}

type Transport = 'y-websocket' | 'socket.io';

async function connectRaw(server: TestServer, transport: Transport, token: string): Promise<RawWs | RawSio> {
	if (transport === 'y-websocket') return connectRawWs(server.url, ROOM, token);
	return connectRawSio(server.url, ROOM, (await server.login()).cookie);
}

describe.each<Transport>(['y-websocket', 'socket.io'])('back-pressure over %s', (transport) => {
	let server: TestServer;
	const cleanup: Array<() => void> = [];
	afterEach(async () => {
		for (const fn of cleanup.splice(0)) fn();
		await server?.dispose();
	});

	it('answers one sync request at a time to a connection that stops reading', async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '1' });
		const token = await server.token('commander', ROOM);
		const writer = await fill(server, token, 3);
		cleanup.push(() => writer.destroy());
		const slow = await connectRaw(server, transport, token);
		cleanup.push(() => stop(slow));
		// Let the join's own frames arrive, then stop reading.
		await new Promise((r) => setTimeout(r, 200));
		netSocketOf(slow).pause();
		for (let i = 0; i < 8; i++) sendFrame(slow, syncFrame(SyncType.step1, EMPTY_SV));
		await new Promise((r) => setTimeout(r, 1_000));
		// While it does not read, one 3 MB answer waits for it, not eight.
		const peer = [...server.registry.get(ROOM)!.peers].find((p) => p.transport === transport)!;
		expect(peer.queuedBytes?.() ?? 0).toBeLessThan(4 * 1024 * 1024);
		netSocketOf(slow).resume();
		// Once it reads again it is answered, and nothing closed it.
		const answers = (): number =>
			slow.received.filter((f) => f[0] === 0 && f[1] === SyncType.step2 && f.byteLength > 3_000_000).length;
		await eventually(() => answers() >= 1, 10_000, 'an answer');
		await new Promise((r) => setTimeout(r, 1_000));
		// What the kernel's socket buffers took on the way is answered; the rest waited as one.
		expect(answers()).toBeLessThanOrEqual(4);
		expect(server.registry.get(ROOM)?.peerCount).toBe(2);
	});

	it('closes a connection that has more than MAX_QUEUED_BYTES waiting with connection-too-slow', async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '1', MAX_QUEUED_BYTES: String(2 * 1024 * 1024) });
		const token = await server.token('commander', ROOM);
		const writer = connectYws(server.url, ROOM, { token });
		cleanup.push(() => writer.destroy());
		await waitForSync(writer.provider);
		const slow = await connectRaw(server, transport, token);
		cleanup.push(() => stop(slow));
		await new Promise((r) => setTimeout(r, 200));
		netSocketOf(slow).pause();
		// Up to 24 MB of broadcasts: more than the kernel's socket buffers and the 2 MB allowed.
		const gone = (): boolean => (server.registry.get(ROOM)?.peerCount ?? 0) === 1;
		for (let i = 0; i < 96 && !gone(); i++) {
			writer.doc.getArray<string>('big').push([`${i}`.padEnd(250_000, 'y')]);
			await new Promise((r) => setTimeout(r, 5));
		}
		await eventually(gone, 20_000, 'the slow peer to go');
		// Reading again within the grace, it learns why.
		netSocketOf(slow).resume();
		if ('ws' in slow) {
			expect((await slow.closed).code).toBe(4408);
		} else {
			await eventually(() => slow.closed.some((c) => c.reason === 'connection-too-slow'), 10_000, 'closed');
		}
	});

	it('paces a connection that asks for the whole document over and over', async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '1' });
		const token = await server.token('commander', ROOM);
		const writer = await fill(server, token, 3);
		cleanup.push(() => writer.destroy());
		const c = await connectRaw(server, transport, token);
		cleanup.push(() => stop(c));
		// It reads everything it is sent, and asks 60 times within a second and a half.
		for (let i = 0; i < 60; i++) {
			sendFrame(c, syncFrame(SyncType.step1, EMPTY_SV));
			await new Promise((r) => setTimeout(r, 25));
		}
		await new Promise((r) => setTimeout(r, 1_000));
		const answers = c.received.filter((f) => f[0] === 0 && f[1] === SyncType.step2).length;
		// A 32 MiB burst and 2 MiB/s after it: about a dozen 3 MB answers in 2.5 s, not sixty.
		expect(answers).toBeGreaterThanOrEqual(1);
		expect(answers).toBeLessThanOrEqual(14);
		// Pacing is no refusal: the connection stays.
		expect(server.registry.get(ROOM)?.peerCount).toBe(2);
	});
});
