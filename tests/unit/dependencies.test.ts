/**
 * missingDependency: an update is applied whole or refused, never in part. Each case is checked
 * against Yjs itself: the update must apply without anything left pending exactly when the check
 * finds nothing missing.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { missingDependency } from '../../server/rooms/dependencies.ts';

function docOf(client: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = client;
	return doc;
}

/** What the check says of `update` against `server`, and whether Yjs would leave anything pending. */
function judge(server: Y.Doc, update: Uint8Array): { missing: string | null; yjsPending: boolean } {
	const missing = missingDependency(Y.decodeUpdate(update), (client) => Y.getState(server.store, client));
	const probe = new Y.Doc();
	Y.applyUpdate(probe, Y.encodeStateAsUpdate(server));
	Y.applyUpdate(probe, update);
	return { missing, yjsPending: probe.store.pendingStructs !== null || probe.store.pendingDs !== null };
}

describe('missingDependency', () => {
	it('finds nothing missing in an update that continues what the server has', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const server = docOf(99);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
		const sv = Y.encodeStateVector(author);
		author.getArray('a').insert(1, ['y']);
		author.getArray('a').delete(0, 1);
		expect(judge(server, Y.encodeStateAsUpdate(author, sv))).toEqual({ missing: null, yjsPending: false });
	});

	it('accepts items and deletions that refer to other items of the same update', () => {
		const a = docOf(1);
		a.getArray('a').insert(0, ['x', 'y']);
		const b = docOf(2);
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		b.getArray('a').insert(1, ['between']);
		b.getArray('a').delete(0, 1);
		// Both clients' changes in one update, against a server that has none of them.
		const server = docOf(99);
		expect(judge(server, Y.encodeStateAsUpdate(b))).toEqual({ missing: null, yjsPending: false });
	});

	it('finds a gap in a client history', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const sv = Y.encodeStateVector(author);
		author.getArray('a').insert(1, ['y']);
		const server = docOf(99);
		const r = judge(server, Y.encodeStateAsUpdate(author, sv));
		expect(r.missing).toMatch(/continues client 1 at clock 1/);
		expect(r.yjsPending).toBe(true);
	});

	it('finds an item placed after another client item the server lacks', () => {
		const a = docOf(1);
		a.getArray('a').insert(0, ['x']);
		const b = docOf(2);
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const sv = Y.encodeStateVector(b);
		b.getMap('m').set('independent', 1);
		b.getArray('a').insert(1, ['after x']);
		const r = judge(docOf(99), Y.encodeStateAsUpdate(b, sv));
		expect(r.missing).toMatch(/refers to 1:0/);
		expect(r.yjsPending).toBe(true);
	});

	it('finds a deletion reaching past what the server has', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const server = docOf(99);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
		author.getArray('a').insert(1, ['y']);
		const sv = Y.encodeStateVector(author);
		author.getArray('a').delete(0, 2);
		const r = judge(server, Y.encodeStateAsUpdate(author, sv));
		expect(r.missing).toMatch(/deletes 1:0–1/);
		expect(r.yjsPending).toBe(true);
	});
});
