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

/** A document of `client` holding what `docs` hold. */
function docWith(client: number, ...docs: Y.Doc[]): Y.Doc {
	const doc = docOf(client);
	for (const d of docs) Y.applyUpdate(doc, Y.encodeStateAsUpdate(d));
	return doc;
}

/** The server's document, holding what `docs` hold. */
const serverWith = (...docs: Y.Doc[]): Y.Doc => docWith(99, ...docs);

/** The update of what `change` does to `doc`. */
function changeOf(doc: Y.Doc, change: () => void): Uint8Array {
	const sv = Y.encodeStateVector(doc);
	change();
	return Y.encodeStateAsUpdate(doc, sv);
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
	const applies = { missing: null, yjsPending: false };
	const refused = (why: RegExp) => ({ missing: expect.stringMatching(why), yjsPending: true });

	it('finds nothing missing in an update that continues what the server has', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const server = serverWith(author);
		const update = changeOf(author, () => {
			author.getArray('a').insert(1, ['y']);
			author.getArray('a').delete(0, 1);
		});
		expect(judge(server, update)).toEqual(applies);
	});

	it('accepts items and deletions that refer to other items of the same update', () => {
		const a = docOf(1);
		a.getArray('a').insert(0, ['x', 'y']);
		const b = docWith(2, a);
		b.getArray('a').insert(1, ['between']);
		b.getArray('a').delete(0, 1);
		// Both clients' changes in one update, against a server that has none of them.
		expect(judge(docOf(99), Y.encodeStateAsUpdate(b))).toEqual(applies);
	});

	it('finds a gap in a client history', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const update = changeOf(author, () => author.getArray('a').insert(1, ['y']));
		expect(judge(docOf(99), update)).toEqual(refused(/continues client 1 at clock 1/));
	});

	it('finds an item placed after another client item the server lacks', () => {
		const a = docOf(1);
		a.getArray('a').insert(0, ['x']);
		const b = docWith(2, a);
		const update = changeOf(b, () => {
			b.getMap('m').set('independent', 1);
			b.getArray('a').insert(1, ['after x']);
		});
		expect(judge(docOf(99), update)).toEqual(refused(/refers to 1:0/));
	});

	it('finds a deletion reaching past what the server has', () => {
		const author = docOf(1);
		author.getArray('a').insert(0, ['x']);
		const server = serverWith(author);
		author.getArray('a').insert(1, ['y']);
		const update = changeOf(author, () => author.getArray('a').delete(0, 2));
		expect(judge(server, update)).toEqual(refused(/deletes 1:0–1/));
	});
});
