/**
 * SyncProvider against a fake socket: what it sends for local and remote changes, and that
 * Yjs is never asked to encode the updates that arrive from the server (a room's initial sync
 * re-encoded for nothing cost tens of milliseconds in the browser).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { MessageType, SyncType, syncFrame, type Ack } from '../../src/lib/domain/protocol.ts';
import {
	SyncProvider,
	type AppSocket,
	type LocalChanges,
	type SyncState
} from '../../src/lib/realtime/sync-provider.ts';

interface Sent {
	sub: number;
	payload: Uint8Array;
	ack?: (a: Ack) => void;
}

/** Just enough of a Socket.IO client socket: joins succeed, sync frames are recorded. */
function fakeSocket() {
	const handlers = new Map<string, Array<(...args: unknown[]) => void>>();
	const sent: Sent[] = [];
	const socket = {
		connected: true,
		on(ev: string, f: (...args: unknown[]) => void) {
			handlers.set(ev, [...(handlers.get(ev) ?? []), f]);
			return socket;
		},
		off(ev: string, f: (...args: unknown[]) => void) {
			handlers.set(
				ev,
				(handlers.get(ev) ?? []).filter((g) => g !== f)
			);
			return socket;
		},
		emit(ev: string, ...args: unknown[]) {
			if (ev === 'join') (args[2] as (r: { ok: true }) => void)({ ok: true });
			if (ev === 'y') {
				const d = decoding.createDecoder(args[1] as Uint8Array);
				if (decoding.readVarUint(d) !== MessageType.sync) return socket;
				const sub = decoding.readVarUint(d);
				// The ack comes last: after the frame's metadata (FrameMeta) when it has one.
				const ack = (typeof args[3] === 'function' ? args[3] : args[2]) as Sent['ack'];
				sent.push({ sub, payload: decoding.readVarUint8Array(d), ack });
			}
			return socket;
		}
	};
	const receive = (frame: Uint8Array) => {
		for (const f of handlers.get('y') ?? []) f('room', frame);
	};
	const fire = (ev: string, ...args: unknown[]) => {
		for (const f of handlers.get(ev) ?? []) f(...args);
	};
	return { socket: socket as unknown as AppSocket, sent, receive, fire };
}

/** A Yjs update made by another client, as the server would relay it. */
function remoteUpdate(f: (doc: Y.Doc) => void): Uint8Array {
	const other = new Y.Doc();
	f(other);
	return Y.encodeStateAsUpdate(other);
}

describe('SyncProvider', () => {
	it('sends local changes, never echoes remote ones, and does not make Yjs encode them', () => {
		const { socket, sent, receive } = fakeSocket();
		const doc = new Y.Doc();
		const states: SyncState[] = [];
		const provider = new SyncProvider(socket, 'room', doc, { onState: (s) => states.push({ ...s }) });
		expect(sent.map((s) => s.sub)).toEqual([SyncType.step1]);

		// Yjs encodes a transaction's update only while the doc has an 'update' listener.
		const listenedDuringRemote: boolean[] = [];
		doc.on('afterTransactionCleanup', (tr: Y.Transaction) => {
			if (!tr.local) listenedDuringRemote.push(doc._observers.has('update'));
		});
		receive(
			syncFrame(
				SyncType.step2,
				remoteUpdate((d) => d.getMap('m').set('a', 1))
			)
		);
		receive(
			syncFrame(
				SyncType.update,
				remoteUpdate((d) => d.getMap('m').set('b', 2))
			)
		);
		expect(doc.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
		expect(listenedDuringRemote).toEqual([false, false]);
		expect(states.at(-1)).toEqual({ status: 'connected', synced: true, unsaved: false });
		expect(sent.filter((s) => s.sub === SyncType.update)).toEqual([]);

		doc.getMap('m').set('c', 3);
		const updates = sent.filter((s) => s.sub === SyncType.update);
		expect(updates).toHaveLength(1);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, updates[0]!.payload);
		expect(copy.getMap('m').get('c')).toBe(3);
		expect(provider.state.unsaved).toBe(true);
		updates[0]!.ack!({ ok: true });
		expect(provider.state.unsaved).toBe(false);
		provider.destroy();
	});

	it('sends a local change that an observer makes while a remote update is applied', () => {
		const { socket, sent, receive } = fakeSocket();
		const doc = new Y.Doc();
		const provider = new SyncProvider(socket, 'room', doc);
		doc.getMap('m').observe((e) => {
			if (!e.transaction.local && e.keysChanged.has('ping')) doc.getMap('m').set('pong', true);
		});
		receive(
			syncFrame(
				SyncType.update,
				remoteUpdate((d) => d.getMap('m').set('ping', true))
			)
		);
		const updates = sent.filter((s) => s.sub === SyncType.update);
		expect(updates).toHaveLength(1);
		const copy = new Y.Doc();
		Y.applyUpdate(copy, updates[0]!.payload);
		expect(copy.getMap('m').toJSON()).toEqual({ pong: true });
		expect(provider.state.unsaved).toBe(true);
		provider.destroy();
	});

	it('an ack that arrives after its frame was given up does not mark a later frame saved', () => {
		const { socket, sent, receive, fire } = fakeSocket();
		const doc = new Y.Doc();
		const provider = new SyncProvider(socket, 'room', doc);
		receive(syncFrame(SyncType.step2, new Uint8Array([0, 0])));
		doc.getMap('m').set('k', 1);
		const first = sent.at(-1)!;
		expect(provider.state.unsaved).toBe(true);
		// The room's storage failed: the frame in flight is kept for the next sync.
		fire('closed', 'room', { code: 4500, reason: 'storage-failed', message: 'x' });
		// Rejoined: the server asks for what it lacks, and the step 2 goes out.
		receive(syncFrame(SyncType.step1, Y.encodeStateVector(new Y.Doc())));
		const second = sent.at(-1)!;
		expect(second.sub).toBe(SyncType.step2);
		expect(provider.state.unsaved).toBe(true);
		// Regression (several nodes): the old frame's ack, forwarded and answered late, settled the step 2.
		first.ack!({ ok: true });
		expect(provider.state.unsaved).toBe(true);
		second.ack!({ ok: true });
		expect(provider.state.unsaved).toBe(false);
		provider.destroy();
	});

	it('a frame refused without the room being closed stays unsaved until the next sync carries it', () => {
		const { socket, sent, receive } = fakeSocket();
		const doc = new Y.Doc();
		const states: SyncState[] = [];
		const provider = new SyncProvider(socket, 'room', doc, { onState: (s) => states.push({ ...s }) });
		receive(syncFrame(SyncType.step2, new Uint8Array([0, 0])));
		doc.getMap('m').set('k', 1);
		const frame = sent.at(-1)!;
		expect(provider.state.unsaved).toBe(true);
		// Regression (several nodes, PostgreSQL cut off from the owner): the owner could not store
		// the forwarded frame; its refusal was shown as "saved" and the change never resent.
		frame.ack!({ ok: false, code: 4500, reason: 'storage-failed', message: 'could not join the room' });
		expect(provider.state.unsaved).toBe(true);
		expect(states.at(-1)!.unsaved).toBe(true);
		expect(states.some((s, i) => i > 0 && !s.unsaved && states[i - 1]!.unsaved && s.synced)).toBe(false);
		receive(syncFrame(SyncType.step1, Y.encodeStateVector(new Y.Doc())));
		const step2 = sent.at(-1)!;
		expect(step2.sub).toBe(SyncType.step2);
		expect(provider.state.unsaved).toBe(true);
		step2.ack!({ ok: true });
		expect(provider.state.unsaved).toBe(false);
		provider.destroy();
	});

	it('stops listening to the document when destroyed', () => {
		const { socket, sent } = fakeSocket();
		const doc = new Y.Doc();
		const provider = new SyncProvider(socket, 'room', doc);
		provider.destroy();
		doc.getMap('m').set('x', 1);
		expect(sent.filter((s) => s.sub === SyncType.update)).toEqual([]);
		expect(doc._observers.has('update')).toBe(false);
	});

	it('tells the outbox which local change each frame carries, and what the server acknowledged', () => {
		const { socket, sent, receive } = fakeSocket();
		const doc = new Y.Doc();
		let seq = 0;
		const saved: Array<[number, boolean]> = [];
		const outbox: LocalChanges = {
			add: () => ++seq,
			latest: () => seq,
			saved: (n, upTo) => saved.push([n, upTo])
		};
		const provider = new SyncProvider(socket, 'room', doc, { localChanges: outbox });
		receive(syncFrame(SyncType.step2, new Uint8Array([0, 0])));
		doc.getMap('m').set('a', 1);
		doc.getMap('m').set('b', 2);
		const updates = sent.filter((s) => s.sub === SyncType.update);
		expect(updates).toHaveLength(2);
		// A refusal or a failure is not "on the server": the change stays waiting.
		updates[1]!.ack!({ ok: false, code: 4500, reason: 'storage-failed', message: 'disk full' });
		expect(saved).toEqual([]);
		updates[0]!.ack!({ ok: true });
		expect(saved).toEqual([[1, false]]);

		// The server asks for what it lacks: the answer carries every change so far, and its
		// acknowledgement covers them all.
		receive(syncFrame(SyncType.step1, Y.encodeStateVector(new Y.Doc())));
		const step2 = sent.filter((s) => s.sub === SyncType.step2).at(-1)!;
		step2.ack!({ ok: true });
		expect(saved).toEqual([
			[1, false],
			[2, true]
		]);
		provider.destroy();
	});
});
