/**
 * Bad input on both transports: each bad frame closes only its own connection with a named
 * reason, persists nothing, and the other clients in the room carry on. A legitimately large
 * change fits the default limit.
 */
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Close, type CloseReason } from '../../src/lib/domain/protocol.ts';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import {
	awarenessFrame,
	connectRawSio,
	connectRawWs,
	syncFrame,
	updateFrame
} from '../helpers/raw-clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';

const MiB = 1024 * 1024;

function validUpdate(): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('m').set('intruder', 'x'.repeat(50));
	return Y.encodeStateAsUpdate(doc);
}

/**
 * A deterministic update that decodes cleanly but makes Y.applyUpdate throw half-way (found by
 * mutating one byte of a real update: an item that refers forward to its own client).
 */
function halfApplyingUpdate(): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = 1234;
	const t = new Y.Text();
	doc.getMap('m').set('t', t);
	t.insert(0, 'hello');
	t.insert(2, 'XY');
	const full = Y.encodeStateAsUpdate(doc);
	for (let pos = 0; pos < full.length; pos++) {
		for (let v = 0; v < 256; v++) {
			const u = full.slice();
			u[pos] = v;
			try {
				Y.decodeUpdate(u);
				Y.parseUpdateMeta(u);
			} catch {
				continue;
			}
			try {
				Y.applyUpdate(new Y.Doc(), u);
			} catch {
				return u;
			}
		}
	}
	throw new Error('no half-applying mutation found');
}

function annotations(n: number, prefix: string): Y.Doc {
	const doc = new Y.Doc();
	const map = doc.getMap<Y.Map<unknown>>('annotations');
	doc.transact(() => {
		for (let i = 0; i < n; i++) {
			const a = new Y.Map<unknown>();
			a.set('label', `${prefix} 危险区域 ${i}: 滑坡隐患点，请绕行`);
			a.set('geometry', {
				type: 'Polygon',
				coordinates: [Array.from({ length: 12 }, (_, k) => [105.8 + i / 1e5 + k / 1e4, 32.6 + k / 1e4])]
			});
			map.set(`${prefix}-${i}`, a);
		}
	});
	return doc;
}

/** What a copy of a room (the server's or a client's) holds in the roots these tests use, as JSON. */
function contentOf(doc: Y.Doc): { list: unknown[]; m: Record<string, unknown> } {
	return { list: doc.getArray('list').toJSON(), m: doc.getMap('m').toJSON() };
}

interface BadCase {
	name: string;
	frame: () => Uint8Array | string;
	close: CloseReason;
}

const cases: BadCase[] = [
	{ name: 'a truncated sync frame', frame: () => new Uint8Array([0]), close: Close.MalformedMessage },
	{
		name: 'a valid update frame cut in half',
		frame: () => {
			const f = updateFrame(validUpdate());
			return f.slice(0, f.length >> 1);
		},
		close: Close.MalformedMessage
	},
	{
		name: 'a frame with trailing bytes',
		frame: () => new Uint8Array([...updateFrame(validUpdate()), 0, 0]),
		close: Close.MalformedMessage
	},
	{
		name: 'an unknown message type',
		frame: () => new Uint8Array([42, 1, 2]),
		close: Close.UnknownMessageType
	},
	{
		name: 'an unknown sync message type',
		frame: () => new Uint8Array([0, 9, 0]),
		close: Close.UnknownMessageType
	},
	{
		name: 'an update that is not a Yjs update',
		frame: () => updateFrame(new Uint8Array([0xff, 0xfe, 0xfd, 0xfc, 0x01])),
		close: Close.MalformedMessage
	},
	{
		name: 'an update that would fail half-way through applying',
		frame: () => updateFrame(halfApplyingUpdate()),
		close: Close.MalformedMessage
	},
	{
		name: 'a malformed awareness update',
		frame: () => awarenessFrame(new Uint8Array([1, 7, 1, 3, 0x7b, 0x22])),
		close: Close.MalformedMessage
	},
	{ name: 'a text frame', frame: () => 'hello', close: Close.MalformedMessage },
	{
		name: 'a frame over MAX_MESSAGE_BYTES',
		frame: () => syncFrame(2, new Uint8Array(10 * MiB + 1024)),
		close: Close.MessageTooLarge
	}
];

describe('bad input', () => {
	let server: TestServer;
	const clients: Array<SioClient | YwsClient> = [];
	let roomNo = 0;
	let cookie: string;
	let token: string;

	beforeAll(async () => {
		server = await startTestServer(ADHOC_ROOMS); // default limits: MAX_MESSAGE_BYTES = 10 MiB
		cookie = (await server.login()).cookie;
		token = await server.token();
	});
	afterEach(() => {
		for (const c of clients.splice(0)) c.destroy();
	});
	afterAll(async () => {
		await server.dispose();
	});

	/** A room with one good client on each transport, and one saved edit. */
	async function roomWithGoodClients(): Promise<{ room: string; yws: YwsClient; sio: SioClient }> {
		const room = `bad-${++roomNo}`;
		const yws = connectYws(server.url, room, { token });
		const sio = connectSio(server.url, room, { headers: { cookie } });
		clients.push(yws, sio);
		await Promise.all([waitForSync(yws.provider), waitForSioSync(sio)]);
		yws.doc.getMap('m').set('before', 1);
		await eventually(() => sio.doc.getMap('m').get('before') === 1);
		return { room, yws, sio };
	}

	async function expectRoomStillWorks(room: string, yws: YwsClient, sio: SioClient, historyBefore: number) {
		expect((await historyOf(server.store, room)).length).toBe(historyBefore);
		expect(yws.provider.wsconnected).toBe(true);
		expect(sio.socket.connected).toBe(true);
		yws.doc.getMap('m').set('after-yws', 2);
		sio.doc.getMap('m').set('after-sio', 3);
		await eventually(
			() => sio.doc.getMap('m').get('after-yws') === 2 && yws.doc.getMap('m').get('after-sio') === 3,
			5000,
			'the good clients to keep syncing'
		);
		expect(yws.doc.getMap('m').has('intruder')).toBe(false);
	}

	describe.each(cases)('$name', ({ frame, close }) => {
		it(`closes only that y-websocket connection with ${close.reason} (${close.code}) and persists nothing`, async () => {
			const { room, yws, sio } = await roomWithGoodClients();
			const before = (await historyOf(server.store, room)).length;
			const bad = await connectRawWs(server.url, room, token);
			bad.ws.send(frame());
			expect(await bad.closed).toEqual({ code: close.code, reason: close.reason });
			await expectRoomStillWorks(room, yws, sio, before);
		});

		it(`refuses it on Socket.IO with ${close.reason} (${close.code}) and persists nothing`, async () => {
			const { room, yws, sio } = await roomWithGoodClients();
			const before = (await historyOf(server.store, room)).length;
			const bad = await connectRawSio(server.url, room, cookie);
			const ack = await bad.send(frame());
			expect(ack).toMatchObject({ ok: false, code: close.code, reason: close.reason });
			await eventually(() => bad.closed.length > 0, 5000, 'closed event');
			expect(bad.closed[0]).toMatchObject({ code: close.code, reason: close.reason });
			await eventually(() => !bad.socket.connected, 5000, 'the bad socket to be disconnected');
			await expectRoomStillWorks(room, yws, sio, before);
		});
	});

	it('persists nothing of an update that fails half-way in Yjs, and reloads the room for everyone else', async () => {
		const { room, yws, sio } = await roomWithGoodClients();
		const before = (await historyOf(server.store, room)).length;
		// An observer that throws makes Y.applyUpdate throw after the document has changed: the
		// same situation as an update Yjs fails on half-way, which no shape check can rule out.
		const loaded = server.registry.get(room)!;
		loaded.doc.getMap('m').observe((e) => {
			if (e.keysChanged.has('intruder')) throw new Error('simulated failure half-way through apply');
		});
		const bad = await connectRawWs(server.url, room, token);
		bad.ws.send(updateFrame(validUpdate()));
		expect(await bad.closed).toEqual({ code: Close.UpdateFailed.code, reason: Close.UpdateFailed.reason });
		expect((await historyOf(server.store, room)).length).toBe(before);
		expect(loaded.state).toBe('closed');

		// Both good clients are sent RoomReset, rejoin on their own, and find the room reloaded.
		await eventually(
			() => yws.provider.synced && sio.provider.state.synced && server.registry.get(room) !== loaded
		);
		await eventually(() => server.registry.get(room)?.state === 'ready');
		expect(server.registry.get(room)!.doc.getMap('m').toJSON()).toEqual({ before: 1 });
		await expectRoomStillWorks(room, yws, sio, before);
	});

	/**
	 * Updates of which the server holds only some dependencies: Yjs would apply what it can and
	 * park the rest. Regression (fuzz test): the part applied was written and shown to everyone
	 * while its sender was told the update was refused.
	 */
	describe.each([
		{
			name: 'a deletion of one item the server has and one it lacks',
			make: () => {
				const author = new Y.Doc();
				author.clientID = 7001;
				const list = author.getArray<string>('list');
				list.insert(0, ['known']);
				const known = Y.encodeStateAsUpdate(author);
				list.insert(1, ['never sent']);
				const sv = Y.encodeStateVector(author);
				list.delete(0, 2);
				return { known, partial: Y.encodeStateAsUpdate(author, sv) };
			}
		},
		{
			name: 'a new entry that depends on nothing beside an item placed after one the server lacks',
			make: () => {
				const other = new Y.Doc();
				other.clientID = 7101;
				other.getArray<string>('list').insert(0, ['never sent']);
				const author = new Y.Doc();
				author.clientID = 7102;
				author.getMap('m').set('seen', 1);
				const known = Y.encodeStateAsUpdate(author);
				Y.applyUpdate(author, Y.encodeStateAsUpdate(other));
				const sv = Y.encodeStateVector(author);
				author.getMap('m').set('intruder', 'x');
				author.getArray<string>('list').insert(1, ['after the missing item']);
				return { known, partial: Y.encodeStateAsUpdate(author, sv) };
			}
		}
	])('$name', ({ make }) => {
		const missing = { code: Close.MissingDependencies.code, reason: Close.MissingDependencies.reason };

		/** A room with good clients that already holds `known`; its history length and content then. */
		async function roomHolding(known: Uint8Array) {
			const r = await roomWithGoodClients();
			const writer = await connectRawSio(server.url, r.room, cookie);
			expect(await writer.send(updateFrame(known))).toMatchObject({ ok: true });
			writer.disconnect();
			const content = contentOf(server.registry.get(r.room)!.doc);
			await eventually(
				() => [r.yws.doc, r.sio.doc].every((d) => isDeepStrictEqual(contentOf(d), content)),
				5000,
				'the good clients to hold what the server holds'
			);
			return { ...r, before: (await historyOf(server.store, r.room)).length, content };
		}

		/**
		 * After expectRoomStillWorks (its edits went round, so anything broadcast before them has
		 * arrived): the good clients were shown nothing of the refused update.
		 */
		function expectNothingShown(clients: Y.Doc[], content: ReturnType<typeof contentOf>): void {
			for (const d of clients) {
				expect(d.getArray('list').toJSON()).toEqual(content.list);
				expect(d.getMap('m').toJSON()).toEqual({ ...content.m, 'after-yws': 2, 'after-sio': 3 });
			}
		}

		it('is refused on y-websocket before any of it applies: nothing written, shown or changed', async () => {
			const { known, partial } = make();
			const { room, yws, sio, before, content } = await roomHolding(known);
			const bad = await connectRawWs(server.url, room, token);
			bad.ws.send(updateFrame(partial));
			expect(await bad.closed).toEqual(missing);
			expect(contentOf(server.registry.get(room)!.doc)).toEqual(content);
			await expectRoomStillWorks(room, yws, sio, before);
			expectNothingShown([yws.doc, sio.doc], content);
		});

		it('is refused on Socket.IO before any of it applies, and the connection stays open', async () => {
			const { known, partial } = make();
			const { room, yws, sio, before, content } = await roomHolding(known);
			const bad = await connectRawSio(server.url, room, cookie);
			expect(await bad.send(updateFrame(partial))).toMatchObject({ ok: false, ...missing });
			expect(bad.socket.connected).toBe(true);
			expect(contentOf(server.registry.get(room)!.doc)).toEqual(content);
			bad.disconnect();
			await expectRoomStillWorks(room, yws, sio, before);
			expectNothingShown([yws.doc, sio.doc], content);
		});
	});

	it('carries 10,000 annotations in one update (several MiB) under the default limit, both ways', async () => {
		const room = `big-${++roomNo}`;
		const viaSio = connectSio(server.url, room, { headers: { cookie } });
		const viaYws = connectYws(server.url, room, { token });
		clients.push(viaSio, viaYws);
		await Promise.all([waitForSioSync(viaSio), waitForSync(viaYws.provider)]);

		const fromSio = annotations(10_000, 'sio');
		const sioUpdate = Y.encodeStateAsUpdate(fromSio);
		expect(sioUpdate.byteLength).toBeGreaterThan(2 * MiB);
		expect(sioUpdate.byteLength).toBeLessThan(10 * MiB);
		Y.applyUpdate(viaSio.doc, sioUpdate);
		const ywsUpdate = Y.encodeStateAsUpdate(annotations(10_000, 'yws'));
		Y.applyUpdate(viaYws.doc, ywsUpdate);

		await eventually(
			() =>
				viaYws.doc.getMap('annotations').size === 20_000 && viaSio.doc.getMap('annotations').size === 20_000,
			30_000,
			'both clients to hold all 20,000 annotations'
		);
		await eventually(() => !viaSio.provider.state.unsaved, 10_000, 'the big change to be saved');
		const sizes = (await historyOf(server.store, room)).map((u) => u.size);
		expect(sizes.filter((s) => s > 2 * MiB)).toHaveLength(2);
	});
});
