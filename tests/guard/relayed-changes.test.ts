/**
 * A change already committed on another node, fed into a room (`room.applyRelayed`): every peer
 * receives it and the onCommitted hooks see it as a relay with that node's sequence number, but
 * this node neither appends it to its store nor attributes it again. One that does not apply whole
 * here is refused, and nothing of it reaches anyone.
 */
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { Close } from '../../src/lib/domain/protocol.ts';
import type { CommittedUpdate, RoomHooks } from '../../server/rooms/hooks.ts';
import { actors, capture, contentOf, logEntry } from './fixtures.ts';
import { startHarness, type Harness, type TestClient } from './room-harness.ts';

const ROOM = 'incident-1';

describe('a change relayed from another node', () => {
	let h: Harness;
	let commander: TestClient;
	let observer: TestClient;
	const seen: CommittedUpdate[] = [];
	const recorder: RoomHooks = { name: 'recorder', onCommitted: ({ updates }) => void seen.push(...updates) };

	/** A copy of the room's document, as another node holds it. */
	function otherNode(): Y.Doc {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(h.room.doc));
		return doc;
	}

	beforeEach(async () => {
		seen.length = 0;
		h = await startHarness(ROOM, {}, [recorder]);
		commander = await h.join(actors.commander);
		observer = await h.join(actors.viewer);
		expect(
			await commander.change((d) => d.setMeta({ name: '暴雨', status: 'active', level: 'III' }))
		).toEqual({
			ok: true
		});
		expect(await commander.change((d) => d.addLogEntry('l-local', logEntry(actors.commander)))).toEqual({
			ok: true
		});
	});

	afterEach(async () => {
		await h?.dispose();
	});

	it('is broadcast to every peer and seen as a relay, and neither logged nor attributed here', async () => {
		const logged = (await h.store.load(ROOM)).updates.length;
		const node = otherNode();
		const relayed = capture(node, () =>
			new IncidentDoc(node).addLogEntry('l-relayed', logEntry(actors.commander, { text: '另一节点的续报' }))
		);
		const heard = { commander: commander.received.length, observer: observer.received.length };

		await h.room.applyRelayed(relayed, { node: 'node-b', seq: 42 });

		expect(observer.received).toHaveLength(heard.observer + 1);
		expect(commander.received).toHaveLength(heard.commander + 1);
		expect(contentOf(observer.doc).log).toHaveProperty('l-relayed');
		expect(seen.at(-1)).toMatchObject({
			seq: 42,
			userId: null,
			connectionId: null,
			origin: { kind: 'relay', node: 'node-b', seq: 42 }
		});
		expect(h.room.lastSeq).toBe(42);
		// This node's store holds nothing of it, and attribution only what was made here.
		expect((await h.store.load(ROOM)).updates).toHaveLength(logged);
		expect(await h.attribution.changesOf(ROOM, 'log', 'l-relayed')).toEqual([]);
		expect(await h.attribution.changesOf(ROOM, 'log', 'l-local')).not.toEqual([]);
	});

	it('is refused, with nothing of it applied, when it depends on changes this room lacks', async () => {
		const node = otherNode();
		// The other node committed a change this room never received…
		capture(node, () => new IncidentDoc(node).addLogEntry('l-missed', logEntry(actors.commander)));
		// …and the next one continues it.
		const relayed = capture(node, () =>
			new IncidentDoc(node).addLogEntry('l-next', logEntry(actors.commander))
		);
		const heard = observer.received.length;
		const lastSeq = h.room.lastSeq;

		await expect(h.room.applyRelayed(relayed, { node: 'node-b', seq: 43 })).rejects.toMatchObject({
			close: Close.MissingDependencies
		});

		expect(observer.received).toHaveLength(heard);
		expect(contentOf(h.room.doc).log).not.toHaveProperty('l-next');
		expect(h.room.lastSeq).toBe(lastSeq);
		// The room carries on.
		expect(await commander.change((d) => d.addLogEntry('l-after', logEntry(actors.commander)))).toEqual({
			ok: true
		});
		expect(observer.received).toHaveLength(heard + 1);
	});
});
