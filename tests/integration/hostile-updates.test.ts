/**
 * Hand-made Yjs updates from signed-in members, over both transports (security review items 1,
 * 2, 4, 5 and 8): each is refused to its sender with a named reason, nothing of it is stored,
 * and nobody else in the room is disturbed.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeByCode } from '../../src/lib/domain/protocol.ts';
import { loginAt, realtimeTokenAt } from '../helpers/auth.ts';
import { connectSio, eventually, waitForSioSync, type SioClient } from '../helpers/clients.ts';
import { craftUpdate, cyclicPendingUpdate, type CraftedStruct } from '../helpers/crafted-updates.ts';
import { connectRawSio, connectRawWs, updateFrame } from '../helpers/raw-clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { joinAs } from '../incidents/helpers.ts';

const ROOM = 'inc-demo-jialing';

type Transport = 'socket.io' | 'y-websocket';

/** A raw connection of one user that sends updates and says what became of each. */
interface Sender {
	/** 'ok' once saved, or the reason it was refused (y-websocket: the close reason). */
	send(update: Uint8Array): Promise<string>;
	close(): void;
}

const reasonOf = (code: number): string => closeByCode(code)?.reason ?? `code ${code}`;

async function senderAs(server: TestServer, transport: Transport, username: string): Promise<Sender> {
	const session = await loginAt(server.url, username);
	if (transport === 'socket.io') {
		const c = await connectRawSio(server.url, ROOM, session.cookie);
		return {
			async send(update) {
				const ack = await c.send(updateFrame(update));
				if (!ack) return 'disconnected';
				return ack.ok ? 'ok' : ack.reason;
			},
			close: () => c.disconnect()
		};
	}
	// y-websocket has no acknowledgements: a refusal closes the socket, so each update gets its own,
	// and an accepted one shows in the room's document (waiting a fixed time instead read a refusal
	// that came late on a loaded machine as accepted).
	const token = await realtimeTokenAt(server.url, session, ROOM);
	const open: Array<{ close(): void }> = [];
	const holds = (update: Uint8Array): boolean => {
		const doc = server.registry.get(ROOM)?.doc;
		if (!doc) return false;
		const have = Y.decodeStateVector(Y.encodeStateVector(doc));
		const sent = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
		return [...sent].every(([client, clock]) => (have.get(client) ?? 0) >= clock);
	};
	return {
		async send(update) {
			const c = await connectRawWs(server.url, ROOM, token);
			open.push({ close: () => c.ws.terminate() });
			let closed: { code: number } | null = null;
			void c.closed.then((e) => (closed = e));
			c.ws.send(updateFrame(update));
			const deadline = Date.now() + 10_000;
			// A refusal closes the socket at once; give it a moment even when the update is in.
			await new Promise((r) => setTimeout(r, 100));
			while (!closed && !holds(update) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
			await new Promise((r) => setTimeout(r, 50));
			if (closed) return reasonOf((closed as { code: number }).code);
			return holds(update) ? 'ok' : 'no answer within 10 s';
		},
		close: () => open.forEach((c) => c.close())
	};
}

/** GC runs of `clients` (one struct each), from clock `from`. */
const gcRuns = (clients: readonly number[], from = 0): Uint8Array =>
	craftUpdate(clients.map((client): CraftedStruct => ({ gc: 1, client, clock: from })));

let nextClient = 10_000;
const freshClients = (n: number): number[] => Array.from({ length: n }, () => nextClient++);

describe.each<Transport>(['socket.io', 'y-websocket'])('hostile updates over %s', (transport) => {
	let server: TestServer;
	let watcher: SioClient;
	const watcherClosed: string[] = [];
	const senders: Sender[] = [];
	const as = async (username: string): Promise<Sender> => {
		const s = await senderAs(server, transport, username);
		senders.push(s);
		return s;
	};
	const lastSeq = (): number => server.registry.get(ROOM)?.lastSeq ?? -1;

	beforeAll(async () => {
		server = await startTestServer();
		const s = await loginAt(server.url, 'commander');
		watcher = connectSio(server.url, ROOM, { headers: { cookie: s.cookie, origin: server.url } });
		watcher.socket.on('closed', (_room, c) => watcherClosed.push(c.reason));
		await waitForSioSync(watcher);
	});

	afterAll(async () => {
		for (const s of senders.splice(0)) s.close();
		watcher?.destroy();
		await server?.dispose();
	});

	it('refuses items that wait on each other to their sender only, however often it tries', async () => {
		const field = await as('field1');
		const [neighbour, a, b, c] = freshClients(4) as [number, number, number, number];
		// A garbage-collected run of the sender's own (a writer may send one) to stand next to.
		expect(await field.send(gcRuns([neighbour]))).toBe('ok');
		const seq = lastSeq();
		for (let i = 0; i < (transport === 'socket.io' ? 10 : 3); i++) {
			expect(await field.send(cyclicPendingUpdate([neighbour, 0], { a, b, c }))).toBe(
				'update-missing-dependencies'
			);
		}
		await new Promise((r) => setTimeout(r, 200));
		expect(lastSeq()).toBe(seq);
		expect(watcherClosed).toEqual([]);
		expect(watcher.provider.state.synced).toBe(true);
	});

	it('refuses a read-only role any update that adds something, even what touches no field', async () => {
		const admin = await as('admin');
		const seq = lastSeq();
		expect(await admin.send(gcRuns(freshClients(1)))).toBe('forbidden');
		const deleted: CraftedStruct = {
			client: freshClients(1)[0]!,
			clock: 0,
			parent: 'log',
			content: { deleted: 3 }
		};
		expect(await admin.send(craftUpdate([deleted]))).toBe('forbidden');
		expect(lastSeq()).toBe(seq);
	});

	it('refuses an update that starts more new client ids than allowed', async () => {
		const field = await as('field1');
		const seq = lastSeq();
		expect(await field.send(gcRuns(freshClients(33)))).toBe('rate-limited');
		expect(lastSeq()).toBe(seq);
		expect(await field.send(gcRuns(freshClients(32)))).toBe('ok');
	});

	it('refuses a room that is no incident by default', async () => {
		const s = await loginAt(server.url, 'commander');
		if (transport === 'socket.io') {
			const { socket, ack } = await joinAs(server.url, s.cookie, 'not-an-incident');
			socket.disconnect();
			expect(ack).toMatchObject({ ok: false, reason: 'room-not-found' });
		} else {
			const c = await connectRawWs(server.url, 'not-an-incident', await realtimeTokenAt(server.url, s));
			expect(reasonOf((await c.closed).code)).toBe('room-not-found');
		}
	});

	it('has not disturbed the watcher', async () => {
		await eventually(() => watcher.provider.state.synced, 10_000, 'the watcher to be in sync');
		expect(watcherClosed).toEqual([]);
	});
});

describe.each<Transport>(['socket.io', 'y-websocket'])('client id owners over %s', (transport) => {
	let server: TestServer;
	const senders: Sender[] = [];
	const as = async (username: string): Promise<Sender> => {
		const s = await senderAs(server, transport, username);
		senders.push(s);
		return s;
	};
	const restart = async (): Promise<void> => {
		for (const s of senders.splice(0)) s.close();
		await server.stop();
		server = await startTestServer({}, { dataDir: server.dataDir, keepData: true });
	};

	beforeAll(async () => {
		server = await startTestServer({}, { keepData: true });
	});

	afterAll(async () => {
		for (const s of senders.splice(0)) s.close();
		await server?.dispose();
	});

	it('keeps a Yjs client id to the user who first wrote under it, across a restart', async () => {
		const [mine] = freshClients(1) as [number];
		const field = await as('field1');
		expect(await field.send(gcRuns([mine]))).toBe('ok');
		field.close();
		// While its user is away, another member writes past its clock.
		const other = await as('chaotian');
		expect(await other.send(gcRuns([mine], 1))).toBe('forbidden');
		await restart();
		const again = await as('chaotian');
		expect(await again.send(gcRuns([mine], 1))).toBe('forbidden');
		// Its own user carries on under it.
		const back = await as('field1');
		expect(await back.send(gcRuns([mine], 1))).toBe('ok');
		// The server's own client ids (the demo seed's) have no owner and are nobody's to take.
		const owned = new Set(
			(
				server.db!.prepare('SELECT client_id FROM doc_client_owners WHERE room = ?').all(ROOM) as Array<{
					client_id: number;
				}>
			).map((r) => r.client_id)
		);
		const sv = Y.decodeStateVector(Y.encodeStateVector(server.registry.get(ROOM)!.doc));
		const [serverClient, serverClock] = [...sv].find(([client]) => !owned.has(client))!;
		expect(await back.send(gcRuns([serverClient], serverClock))).toBe('forbidden');
	});
});
