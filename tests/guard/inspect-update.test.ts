/**
 * The update inspector against each shape described in docs/yjs-update-inspection.md.
 * These also pin the Yjs internals the inspector reads (decodeUpdate's Item fields): if a yjs
 * upgrade changes them, these fail before the guard silently misreads updates.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { inspectUpdate, NEW_TYPE, type Touch } from '../../server/guard/inspect-update.ts';
import { Refusal } from '../../server/rooms/refusal.ts';
import { actors, annotation, capture, task, TOWNSHIP_A } from './fixtures.ts';

/** A server doc (gc off, as rooms keep it) and a client synced from it. */
function pair(): { server: Y.Doc; client: Y.Doc; apply: (u: Uint8Array) => void } {
	const server = new Y.Doc({ gc: false });
	const client = new Y.Doc();
	return {
		server,
		client,
		apply: (u) => {
			Y.applyUpdate(server, u);
		}
	};
}

/** Captures a client change, inspects it against the server, then applies it there. */
function step(p: ReturnType<typeof pair>, fn: (d: IncidentDoc) => void): Touch[] {
	const u = capture(p.client, () => fn(new IncidentDoc(p.client)));
	const { touches } = inspectUpdate(p.server, u);
	p.apply(u);
	return touches;
}

function simple(touches: Touch[]): unknown[] {
	return touches.map((t) => {
		switch (t.kind) {
			case 'entity':
				return ['entity', t.entity.collection, t.entity.entityId, t.op, t.entity.type ? 'server' : 'new'];
			case 'field':
				return ['field', t.entity.entityId, t.field, t.op, t.value === NEW_TYPE ? 'new-type' : t.value];
			case 'nestedEntry':
				return ['nestedEntry', t.entity.entityId, t.field, t.op, (t.value as { id?: string }).id];
			case 'row':
				return ['row', t.collection, t.key, t.op];
			case 'cell':
				return ['cell', t.collection, t.key, t.column, t.op, t.value];
			case 'recordField':
				return ['recordField', t.collection, t.field, t.op, t.value];
			case 'entry':
				return ['entry', t.collection, t.key, t.op];
			case 'listEntry':
				return ['listEntry', t.collection, t.op, t.value];
		}
	});
}

function refusalOf(fn: () => unknown): Refusal {
	try {
		fn();
	} catch (err) {
		if (err instanceof Refusal) return err;
		throw err;
	}
	throw new Error('expected a refusal');
}

describe('Yjs update shapes the inspector relies on', () => {
	it('decodes a new root map entry with its root name as parent and its key as parentSub', () => {
		const doc = new Y.Doc();
		const u = capture(doc, () => doc.getMap('tasks').set('t1', new Y.Map()));
		const { structs, ds } = Y.decodeUpdate(u);
		expect(structs).toHaveLength(1);
		const item = structs[0] as Y.Item;
		expect(item).toBeInstanceOf(Y.Item);
		expect(item.parent as unknown).toBe('tasks');
		expect(item.parentSub).toBe('t1');
		expect(item.content).toBeInstanceOf(Y.ContentType);
		expect((item.content as Y.ContentType).type).toBeInstanceOf(Y.Map);
		expect(ds.clients.size).toBe(0);
	});

	it('decodes an overwritten key with no parent, an origin, and the old value in the delete set', () => {
		const doc = new Y.Doc();
		const m = doc.getMap('tasks');
		const t1 = new Y.Map();
		doc.transact(() => m.set('t1', t1));
		doc.transact(() => t1.set('status', 'new'));
		const first = Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).structs.find((s) => s.id.clock === 1) as Y.Item;
		expect(first.parent).toBeInstanceOf(Y.ID);
		expect(first.parentSub).toBe('status');
		const u = capture(doc, () => t1.set('status', 'dispatched'));
		const { structs, ds } = Y.decodeUpdate(u);
		const item = structs[0] as Y.Item;
		expect(item.parent).toBeNull();
		expect(item.parentSub).toBeNull();
		expect(item.origin).toEqual(Y.createID(doc.clientID, 1));
		expect(item.content).toBeInstanceOf(Y.ContentAny);
		expect((item.content as Y.ContentAny).arr).toEqual(['dispatched']);
		expect([...ds.clients.get(doc.clientID)!].map((d) => [d.clock, d.len])).toEqual([[1, 1]]);
	});

	it('decodes a removed key as a delete set only', () => {
		const doc = new Y.Doc();
		doc.getMap('tasks').set('t1', new Y.Map());
		const u = capture(doc, () => doc.getMap('tasks').delete('t1'));
		const { structs, ds } = Y.decodeUpdate(u);
		expect(structs).toHaveLength(0);
		expect(ds.clients.size).toBe(1);
	});
});

describe('inspectUpdate', () => {
	it('resolves a new task, its fields and its progress thread', () => {
		const p = pair();
		const touches = step(p, (d) => d.addTask('t1', task(actors.townshipA, 'team-a')));
		const s = simple(touches);
		expect(s).toContainEqual(['entity', 'tasks', 't1', 'insert', 'new']);
		expect(s).toContainEqual(['field', 't1', 'status', 'insert', 'dispatched']);
		expect(s).toContainEqual(['field', 't1', 'createdBy', 'insert', 'u-town-a']);
		expect(s).toContainEqual(['field', 't1', 'updates', 'insert', 'new-type']);
	});

	it('resolves a field overwrite to the field, with the old value removed', () => {
		const p = pair();
		step(p, (d) => d.addTask('t1', task(actors.townshipA, 'team-a')));
		const s = simple(step(p, (d) => d.patch('tasks', 't1', { status: 'accepted' })));
		expect(s).toEqual([
			['field', 't1', 'status', 'insert', 'accepted'],
			['field', 't1', 'status', 'delete', 'dispatched']
		]);
	});

	it('resolves a field set for the first time on an existing entity through its parent ID', () => {
		const p = pair();
		step(p, (d) => d.addTask('t1', task(actors.townshipA, 'team-a')));
		p.client.getMap<Y.Map<unknown>>('tasks').get('t1')!.delete('dueAt');
		Y.applyUpdate(p.server, Y.encodeStateAsUpdate(p.client));
		const s = simple(step(p, (d) => d.patch('tasks', 't1', { dueAt: NOW_LATER })));
		expect(s).toEqual([['field', 't1', 'dueAt', 'insert', NOW_LATER]]);
	});

	it('resolves an entity removal, ignoring nothing: the entity and each of its fields', () => {
		const p = pair();
		step(p, (d) => d.addAnnotation('a1', annotation(actors.agency)));
		const s = simple(step(p, (d) => d.remove('annotations', 'a1')));
		expect(s).toContainEqual(['entity', 'annotations', 'a1', 'delete', 'server']);
	});

	it('resolves appends to a task thread item by item, including chains of new items', () => {
		const p = pair();
		step(p, (d) => d.addTask('t1', task(actors.townshipA, 'team-a')));
		const entry = (id: string) => ({ id, by: 'u-field-a', orgId: 'team-a', at: 'x', text: id });
		const s1 = simple(step(p, (d) => d.addTaskUpdate('t1', entry('p1'))));
		expect(s1).toEqual([['nestedEntry', 't1', 'updates', 'insert', 'p1']]);
		const s2 = simple(
			step(p, (d) => {
				d.addTaskUpdate('t1', entry('p2'));
				d.addTaskUpdate('t1', entry('p3'));
			})
		);
		expect(s2).toEqual([
			['nestedEntry', 't1', 'updates', 'insert', 'p2'],
			['nestedEntry', 't1', 'updates', 'insert', 'p3']
		]);
	});

	it('resolves figures per township and key, and the wall as list inserts and deletes', () => {
		const p = pair();
		expect(simple(step(p, (d) => d.setFigure(TOWNSHIP_A, 'dead', 1)))).toEqual([
			['row', 'figures', TOWNSHIP_A, 'insert'],
			['cell', 'figures', TOWNSHIP_A, 'dead', 'insert', 1]
		]);
		expect(simple(step(p, (d) => d.setFigure(TOWNSHIP_A, 'dead', 2)))).toEqual([
			['cell', 'figures', TOWNSHIP_A, 'dead', 'insert', 2],
			['cell', 'figures', TOWNSHIP_A, 'dead', 'delete', 1]
		]);
		step(p, (d) => d.wall.push(['f1', 'f2']));
		// Moving f2 before f1: delete and re-insert.
		const s = simple(
			step(p, (d) => {
				d.wall.delete(1, 1);
				d.wall.insert(0, ['f2']);
			})
		);
		expect(s).toEqual([
			['listEntry', 'wall', 'insert', 'f2'],
			['listEntry', 'wall', 'delete', 'f2']
		]);
	});

	it('resolves meta fields and positions by key', () => {
		const p = pair();
		expect(simple(step(p, (d) => d.setMeta({ status: 'closed' })))).toEqual([
			['recordField', 'meta', 'status', 'insert', 'closed']
		]);
		expect(
			simple(
				step(p, (d) => d.positions.set('u-field-a', { lonLat: [105.9, 32.6], orgId: 'team-a', at: 'x' }))
			)
		).toEqual([['entry', 'positions', 'u-field-a', 'insert']]);
	});

	it('counts a new entity put over an existing one as removing the existing one', () => {
		const p = pair();
		step(p, (d) => d.addAnnotation('a1', annotation(actors.agency)));
		const s = simple(step(p, (d) => d.addAnnotation('a1', annotation(actors.townshipA))));
		expect(s).toContainEqual(['entity', 'annotations', 'a1', 'delete', 'server']);
		expect(s).toContainEqual(['entity', 'annotations', 'a1', 'insert', 'new']);
	});

	it('lists the client ids an update writes under, not those of items the server already has', () => {
		const p = pair();
		const u = capture(p.client, () => p.client.getMap('meta').set('name', 'x'));
		p.apply(u);
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(p.client));
		const u2 = capture(other, () => other.getMap('meta').set('name', 'y'));
		// A resent update that includes the first client's (known) item.
		const merged = Y.mergeUpdates([u, u2]);
		expect([...inspectUpdate(p.server, merged).clients]).toEqual([other.clientID]);
	});

	it('refuses unknown roots, unknown fields, nested types where values belong, and text', () => {
		const p = pair();
		step(p, (d) => d.addTask('t1', task(actors.townshipA, 'team-a')));
		const cases: Array<[string, () => void]> = [
			['unknown root', () => p.client.getMap('secrets').set('k', 1)],
			['unknown field', () => p.client.getMap<Y.Map<unknown>>('tasks').get('t1')!.set('hacked', true)],
			[
				'nested map in a field',
				() => p.client.getMap<Y.Map<unknown>>('tasks').get('t1')!.set('title', new Y.Map())
			],
			['plain value as entity', () => p.client.getMap('tasks').set('t2', { title: 'x' })],
			['text', () => p.client.getText('log').insert(0, 'hello')],
			['feed health', () => p.client.getMap('feedHealth').set('f1', { state: 'online' })]
		];
		for (const [what, fn] of cases) {
			const c = new Y.Doc();
			Y.applyUpdate(c, Y.encodeStateAsUpdate(p.server));
			const u = capture(c, () => {
				// Re-run the case against this fresh copy of the client.
				const saved = p.client;
				p.client = c;
				try {
					fn();
				} finally {
					p.client = saved;
				}
			});
			if (what === 'feed health') {
				expect(simple(inspectUpdate(p.server, u).touches), what).toEqual([
					['entry', 'feedHealth', 'f1', 'insert']
				]);
				continue;
			}
			const r = refusalOf(() => inspectUpdate(p.server, u));
			expect(r.close.reason, what).toBe('forbidden');
		}
	});

	it('refuses an update whose neighbours or deletes the server does not have', () => {
		const p = pair();
		const a = new Y.Doc();
		a.getArray('wall').push(['f1']);
		const unseen = Y.encodeStateAsUpdate(a);
		const b = new Y.Doc();
		Y.applyUpdate(b, unseen);
		const append = capture(b, () => b.getArray('wall').push(['f2']));
		expect(refusalOf(() => inspectUpdate(p.server, append)).close.reason).toBe('update-missing-dependencies');
		const del = capture(b, () => b.getArray('wall').delete(0, 1));
		expect(refusalOf(() => inspectUpdate(p.server, del)).close.reason).toBe('update-missing-dependencies');
	});

	it('resolves an item whose parent is created later in the same update by another client id', () => {
		const p = pair();
		const a = new Y.Doc();
		a.clientID = 1;
		const b = new Y.Doc();
		b.clientID = 2;
		const u1 = capture(b, () => b.getMap('annotations').set('a1', new Y.Map()));
		Y.applyUpdate(a, u1);
		const u2 = capture(a, () => a.getMap<Y.Map<unknown>>('annotations').get('a1')!.set('label', 'x'));
		// Client 2's structs are encoded first (higher ids first), so client 1's item refers ahead.
		const s = simple(inspectUpdate(p.server, Y.mergeUpdates([u2, u1])).touches);
		expect(s).toContainEqual(['entity', 'annotations', 'a1', 'insert', 'new']);
		expect(s).toContainEqual(['field', 'a1', 'label', 'insert', 'x']);
	});
});

const NOW_LATER = '2024-07-01T09:00:00+08:00';
