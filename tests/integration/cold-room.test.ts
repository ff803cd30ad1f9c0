/**
 * Cold rooms: a room loaded from storage answers a new client with the stored bytes, before (and
 * without) decoding them into its document; anything that needs the document decodes it first,
 * so every answer and every check sees the whole durable state.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { Close, MessageType, SyncType, syncFrame, type CloseReason } from '../../src/lib/domain/protocol.ts';
import { silentLogger } from '../../server/log.ts';
import type { RoomHooks } from '../../server/rooms/hooks.ts';
import type { Peer } from '../../server/rooms/peer.ts';
import { Room } from '../../server/rooms/room.ts';
import { MemoryDocStore } from '../../server/store/memory-doc-store.ts';

const LIMITS = { maxMessageBytes: 10 << 20, maxAwarenessStateBytes: 16384, snapshotEvery: 1000 };

class RecordingPeer implements Peer {
	readonly id = `p-${Math.random().toString(36).slice(2)}`;
	readonly identity = null;
	readonly transport = 'internal' as const;
	/** Sync payloads received: [sync type, payload]. */
	sync: Array<[number, Uint8Array]> = [];
	closed: CloseReason | null = null;
	send(frame: Uint8Array): void {
		const d = decoding.createDecoder(frame);
		if (decoding.readVarUint(d) !== MessageType.sync) return;
		const type = decoding.readVarUint(d);
		this.sync.push([type, decoding.readVarUint8Array(d)]);
	}
	refuse(): void {}
	close(reason: CloseReason): void {
		this.closed = reason;
	}
	/** The client's document: everything the server sent as step 2 or update. */
	doc(): Y.Doc {
		const d = new Y.Doc();
		for (const [type, payload] of this.sync) if (type !== SyncType.step1) Y.applyUpdate(d, payload);
		return d;
	}
	serverStateVector(): Map<number, number> {
		const step1 = this.sync.find(([t]) => t === SyncType.step1);
		if (!step1) throw new Error('no sync step 1 from the server');
		return Y.decodeStateVector(step1[1]);
	}
}

/** Lets pending drains run: frames are handled on setImmediate, commits resolve after. */
async function settle(): Promise<void> {
	for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function seedDoc(entries: number): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	doc.transact(() => {
		for (let i = 0; i < entries; i++) {
			const m = new Y.Map<unknown>();
			doc.getMap('annotations').set(`a${i}`, m);
			m.set('label', `标注 ${i}`);
		}
	});
	return doc;
}

describe('cold room', () => {
	async function coldRoom(opts: { withVector: boolean; logAfter: number; hooks?: RoomHooks[] }): Promise<{
		room: Room;
		source: Y.Doc;
		store: MemoryDocStore;
	}> {
		const store = new MemoryDocStore();
		const source = seedDoc(50);
		const base = { room: 'r', at: Date.now(), userId: null, orgId: null, connectionId: null };
		await store.append([{ ...base, update: Y.encodeStateAsUpdate(source) }]);
		await store.writeSnapshot(
			'r',
			1,
			Y.encodeStateAsUpdate(source),
			opts.withVector ? Y.encodeStateVector(source) : undefined
		);
		const later: Uint8Array[] = [];
		source.on('update', (u: Uint8Array) => later.push(u));
		for (let i = 0; i < opts.logAfter; i++) source.getMap('annotations').set(`late${i}`, i);
		if (later.length > 0) await store.append(later.map((update) => ({ ...base, update })));
		const room = new Room('r', store, opts.hooks ?? [], LIMITS, silentLogger());
		await room.loaded;
		return { room, source, store };
	}

	for (const withVector of [true, false]) {
		for (const logAfter of [0, 3]) {
			it(`answers a new client from what is stored (vector stored: ${withVector}, log after snapshot: ${logAfter})`, async () => {
				const { room, source } = await coldRoom({ withVector, logAfter });
				expect(room.materialized).toBe(false);
				const peer = new RecordingPeer();
				await room.join(peer);
				// Without a stored vector, the room decodes its document to know its own vector.
				expect(room.materialized).toBe(!withVector);
				// The server's own step 1 carries the full durable state vector.
				expect(peer.serverStateVector()).toEqual(Y.decodeStateVector(Y.encodeStateVector(source)));
				room.receive(peer, syncFrame(SyncType.step1, Y.encodeStateVector(new Y.Doc())));
				// A new client's step 2 is empty: it changes nothing and needs no decoding either.
				room.receive(peer, syncFrame(SyncType.step2, Y.encodeStateAsUpdate(new Y.Doc())));
				await settle();
				expect(peer.doc().getMap('annotations').toJSON()).toEqual(source.getMap('annotations').toJSON());
				expect(room.materialized).toBe(!withVector);
				expect(peer.closed).toBeNull();
				await room.close();
			});
		}
	}

	it('decodes the document for a client that already holds state, and answers only the difference', async () => {
		const { room, source } = await coldRoom({ withVector: true, logAfter: 2 });
		const client = seedDoc(0);
		// The client holds the state up to the snapshot (it was connected before a restart).
		const before = new Y.Doc();
		Y.applyUpdate(before, Y.encodeStateAsUpdate(source));
		const peer = new RecordingPeer();
		await room.join(peer);
		Y.applyUpdate(client, Y.encodeStateAsUpdate(source));
		room.receive(peer, syncFrame(SyncType.step1, Y.encodeStateVector(client)));
		await settle();
		expect(room.materialized).toBe(true);
		const [, diff] = peer.sync.find(([t]) => t === SyncType.step2)!;
		expect(diff.byteLength).toBeLessThan(Y.encodeStateAsUpdate(source).byteLength / 4);
		Y.applyUpdate(client, diff);
		expect(client.getMap('annotations').toJSON()).toEqual(source.getMap('annotations').toJSON());
		await room.close();
	});

	it('decodes the document before applying a change, and the change lands on the whole state', async () => {
		const loadedSeen: number[] = [];
		const hook: RoomHooks = {
			name: 'recorder',
			onLoaded: ({ room }) => loadedSeen.push(room.doc.getMap('annotations').size),
			checkUpdate: ({ room }) => {
				// A check sees the whole durable document.
				expect(room.doc.getMap('annotations').size).toBe(53);
				return undefined;
			}
		};
		const { room, source } = await coldRoom({ withVector: true, logAfter: 3, hooks: [hook] });
		const peer = new RecordingPeer();
		await room.join(peer);
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(source));
		const updates: Uint8Array[] = [];
		client.on('update', (u: Uint8Array) => updates.push(u));
		client.getMap('annotations').set('new', 1);
		const acked = new Promise((resolve) =>
			room.receive(peer, syncFrame(SyncType.update, updates[0]!), resolve)
		);
		expect(await acked).toEqual({ ok: true });
		expect(loadedSeen).toEqual([53]);
		expect(room.doc.getMap('annotations').size).toBe(54);
		await room.close();
	});

	it('writes a snapshot with its state vector from a room it never decoded', async () => {
		const { room, store, source } = await coldRoom({ withVector: false, logAfter: 3 });
		await room.close();
		expect(room.materialized).toBe(true); // closed rooms release their state
		const loaded = await store.load('r');
		expect(loaded.snapshotSeq).toBe(4);
		expect(loaded.updates).toEqual([]);
		expect(Y.decodeStateVector(loaded.snapshotStateVector!)).toEqual(
			Y.decodeStateVector(Y.encodeStateVector(source))
		);
		const restored = new Y.Doc();
		Y.applyUpdate(restored, loaded.snapshot!);
		expect(restored.getMap('annotations').toJSON()).toEqual(source.getMap('annotations').toJSON());
	});

	it('fails the room, closing its peers, when the stored state does not decode', async () => {
		const store = new MemoryDocStore();
		// A well-formed varint header that promises structs which are not there.
		await store.writeSnapshot('bad', 1, new Uint8Array([1, 5, 200, 1, 0]), new Uint8Array([1, 200, 1, 5]));
		const room = new Room('bad', store, [], LIMITS, silentLogger());
		await room.loaded;
		const peer = new RecordingPeer();
		await room.join(peer);
		const client = new Y.Doc();
		client.getMap('m').set('x', 1);
		room.receive(peer, syncFrame(SyncType.update, Y.encodeStateAsUpdate(client)));
		await settle();
		expect(room.state).toBe('failed');
		expect(peer.closed).toBe(Close.StorageFailed);
	});
});
