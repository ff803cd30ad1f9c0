/**
 * Accept and compensate: how the server undoes the parts of an accepted update that the policy
 * refused (evaluate.ts `judge`), and what it tells the author about each.
 *
 * The plan is made before the update is applied, from the room's document as it stands then:
 * each refused part's place and what was there (a value, an entity with its thread, or nothing).
 * Once the update is applied, `undo` runs in one server-made transaction in the same drain:
 *
 * - a field, figure, incident field or position: the old value is set again, or the key removed
 *   if there was none;
 * - an entity the update created: removed; one it deleted (or replaced wholesale): made again
 *   from what it held, thread included;
 * - a thread or wall entry the update added: deleted (by its Yjs id); one it removed: inserted
 *   again where it was.
 *
 * The author's update itself is integrated whole, so its Yjs clock stays contiguous and later
 * updates of the same client apply; the undo is an ordinary later change everyone converges on.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { RefusedChange } from '#domain/protocol';
import type { EntityGroup, RefusedPart, SimpleTouch } from './evaluate.ts';
import { NEW_TYPE, type EntryId } from './inspect-update.ts';

/** What was at a place before the update: nothing, a plain value, or a Y type's content. */
type Snapshot =
	| { readonly kind: 'absent' }
	| { readonly kind: 'value'; readonly value: unknown }
	| { readonly kind: 'map'; readonly entries: ReadonlyArray<readonly [string, Snapshot]> }
	| { readonly kind: 'array'; readonly items: readonly Snapshot[] };

/** One step of an undo, on the document after the update applied. */
type Step =
	/** Put back what was at path (its last key in the map at the rest of the path). */
	| { readonly kind: 'restore'; readonly path: readonly string[]; readonly was: Snapshot }
	/** Remove the entry with this id from the list at path. */
	| { readonly kind: 'unadd'; readonly path: readonly string[]; readonly id: EntryId }
	/** Insert the value again at its old index in the list at path. */
	| {
			readonly kind: 'readd';
			readonly path: readonly string[];
			readonly index: number;
			readonly value: unknown;
	  };

const ABSENT: Snapshot = Object.freeze({ kind: 'absent' });

/** The refused parts of one update: what to tell the author and how to undo them. */
export class CompensationPlan {
	constructor(
		/** One per refused change, each with the id of its refusal record. */
		readonly refused: readonly RefusedChange[],
		readonly steps: readonly Step[]
	) {}

	/** Undoes the refused parts; call inside one transaction, after the update applied. */
	undo(doc: Y.Doc): void {
		// Removals first: an entity replaced wholesale is removed, then made again from what it held.
		for (const s of this.steps) if (s.kind === 'unadd') unadd(doc, s.path, s.id);
		for (const s of this.steps) if (s.kind === 'restore') restore(doc, s.path, s.was);
		for (const s of this.steps) if (s.kind === 'readd') readd(doc, s.path, s.index, s.value);
	}
}

/** Plans the undo of `parts` on `doc` as it is before the update applies. */
export function planCompensation(
	doc: Y.Doc,
	parts: readonly RefusedPart[],
	deviceAt: number | null
): CompensationPlan {
	const refused: RefusedChange[] = [];
	const steps: Step[] = [];
	const restored = new Set<string>();
	const restoreOnce = (path: readonly string[]): void => {
		const key = path.join('\u0000');
		if (restored.has(key)) return;
		restored.add(key);
		steps.push({ kind: 'restore', path, was: snapshotAt(doc, path) });
	};
	const tell = (c: Omit<RefusedChange, 'id' | 'deviceAt'>): void => {
		refused.push({ id: randomUUID(), ...c, deviceAt });
	};
	for (const part of parts) {
		if (part.kind === 'touch') planTouch(doc, part.touch, part.reason, restoreOnce, steps, tell);
		else planEntity(doc, part.group, part.reason, restoreOnce, steps, tell);
	}
	return new CompensationPlan(refused, steps);
}

type Tell = (c: Omit<RefusedChange, 'id' | 'deviceAt'>) => void;

function planTouch(
	doc: Y.Doc,
	t: SimpleTouch,
	reason: string,
	restoreOnce: (path: readonly string[]) => void,
	steps: Step[],
	tell: Tell
): void {
	const attempted = (op: 'insert' | 'delete', value: unknown): unknown =>
		op === 'insert' ? plain(value) : null;
	switch (t.kind) {
		case 'row':
			restoreOnce([t.collection, t.key]);
			tell({
				collection: t.collection,
				entityId: t.key,
				field: null,
				op: t.op === 'insert' ? 'create' : 'delete',
				attempted: null,
				reason
			});
			return;
		case 'cell':
			restoreOnce([t.collection, t.key, t.column]);
			tell({
				collection: t.collection,
				entityId: t.key,
				field: t.column,
				op: t.op === 'insert' ? 'update' : 'delete',
				attempted: attempted(t.op, t.value),
				reason
			});
			return;
		case 'recordField':
			restoreOnce([t.collection, t.field]);
			tell({
				collection: t.collection,
				entityId: null,
				field: t.field,
				op: t.op === 'insert' ? 'update' : 'delete',
				attempted: attempted(t.op, t.value),
				reason
			});
			return;
		case 'entry':
			restoreOnce([t.collection, t.key]);
			tell({
				collection: t.collection,
				entityId: t.key,
				field: null,
				op: t.op === 'insert' ? 'update' : 'delete',
				attempted: attempted(t.op, t.value),
				reason
			});
			return;
		case 'listEntry': {
			const path = [t.collection];
			if (t.op === 'insert') steps.push({ kind: 'unadd', path, id: t.id });
			else steps.push({ kind: 'readd', path, index: indexOf(doc, path, t.id), value: t.value });
			tell({
				collection: t.collection,
				entityId: null,
				field: null,
				op: t.op === 'insert' ? 'create' : 'delete',
				attempted: attempted(t.op, t.value),
				reason
			});
			return;
		}
	}
}

function planEntity(
	doc: Y.Doc,
	g: EntityGroup,
	reason: string,
	restoreOnce: (path: readonly string[]) => void,
	steps: Step[],
	tell: Tell
): void {
	const { collection, entityId } = g.ref;
	if (g.created || g.deleted) {
		// The entity's slot goes back to what it held: nothing (a refused new entity), or the
		// entity the update deleted or replaced.
		restoreOnce([collection, entityId]);
		if (g.deleted && !g.created) {
			tell({ collection, entityId, field: null, op: 'delete', attempted: null, reason });
			return;
		}
		const entity: Record<string, unknown> = {};
		for (const { field, value, set } of g.fields) if (set) entity[field] = plain(value);
		for (const l of g.lists ?? []) entity[l.field] = l.adds.map((a) => plain(a.value));
		tell({ collection, entityId, field: null, op: 'create', attempted: entity, reason });
		return;
	}
	for (const { field, value, set } of g.fields) {
		restoreOnce([collection, entityId, field]);
		tell({
			collection,
			entityId,
			field,
			op: set ? 'update' : 'delete',
			attempted: set ? plain(value) : null,
			reason
		});
	}
	for (const { field, adds, removals } of g.lists ?? []) {
		// A thread replaced wholesale is restored with its field above; its entries are in the new one.
		if (g.fields.some((f) => f.field === field)) continue;
		const path = [collection, entityId, field];
		for (const a of adds) {
			steps.push({ kind: 'unadd', path, id: a.id });
			tell({ collection, entityId, field, op: 'create', attempted: plain(a.value), reason });
		}
		for (const r of removals) {
			steps.push({ kind: 'readd', path, index: indexOf(doc, path, r.id), value: r.value });
			tell({ collection, entityId, field, op: 'delete', attempted: null, reason });
		}
	}
}

/** A value as the author's device can keep it (a new nested type is an empty list or map). */
function plain(value: unknown): unknown {
	return value === NEW_TYPE ? null : value;
}

// --- reading and writing places --------------------------------------------------------

/** The map holding the last key of `path`, or null if it is not there (any more). */
function parentMap(doc: Y.Doc, path: readonly string[]): Y.Map<unknown> | null {
	const root = doc.share.get(path[0]!);
	if (!(root instanceof Y.Map)) return null;
	let map: Y.Map<unknown> = root;
	for (let i = 1; i < path.length - 1; i++) {
		const next = map.get(path[i]!);
		if (!(next instanceof Y.Map)) return null;
		map = next;
	}
	return map;
}

/** The list at `path`, or null. */
function listAt(doc: Y.Doc, path: readonly string[]): Y.Array<unknown> | null {
	if (path.length === 1) {
		const root = doc.share.get(path[0]!);
		return root instanceof Y.Array ? root : null;
	}
	const parent = parentMap(doc, path);
	const list = parent?.get(path[path.length - 1]!);
	return list instanceof Y.Array ? list : null;
}

function snapshotAt(doc: Y.Doc, path: readonly string[]): Snapshot {
	const parent = parentMap(doc, path);
	const key = path[path.length - 1]!;
	if (parent === null || !parent.has(key)) return ABSENT;
	return snapshotOf(parent.get(key));
}

function snapshotOf(value: unknown): Snapshot {
	if (value instanceof Y.Map) {
		const entries: Array<[string, Snapshot]> = [];
		value.forEach((v, k) => entries.push([k, snapshotOf(v)]));
		return { kind: 'map', entries };
	}
	if (value instanceof Y.Array) return { kind: 'array', items: value.toArray().map(snapshotOf) };
	return { kind: 'value', value };
}

function build(s: Exclude<Snapshot, { kind: 'absent' }>): unknown {
	switch (s.kind) {
		case 'value':
			return s.value;
		case 'map': {
			const m = new Y.Map<unknown>();
			for (const [k, v] of s.entries) if (v.kind !== 'absent') m.set(k, build(v));
			return m;
		}
		case 'array': {
			const a = new Y.Array<unknown>();
			a.push(s.items.flatMap((v) => (v.kind === 'absent' ? [] : [build(v)])));
			return a;
		}
	}
}

function restore(doc: Y.Doc, path: readonly string[], was: Snapshot): void {
	const parent = parentMap(doc, path);
	if (parent === null) return;
	const key = path[path.length - 1]!;
	if (was.kind === 'absent') {
		if (parent.has(key)) parent.delete(key);
		return;
	}
	if (was.kind === 'value' && parent.has(key) && sameValue(parent.get(key), was.value)) return;
	parent.set(key, build(was));
}

function sameValue(a: unknown, b: unknown): boolean {
	if (a instanceof Y.AbstractType || b instanceof Y.AbstractType) return false;
	return JSON.stringify(a) === JSON.stringify(b);
}

/** The visible index of the entry `id` in the list at `path`, or the list's length if absent. */
function indexOf(doc: Y.Doc, path: readonly string[], id: EntryId): number {
	const list = listAt(doc, path);
	if (list === null) return 0;
	let index = 0;
	for (let item = list._start; item !== null; item = item.right) {
		if (item.deleted || !item.countable) continue;
		if (item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length)
			return index + (id.clock - item.id.clock);
		index += item.length;
	}
	return index;
}

function unadd(doc: Y.Doc, path: readonly string[], id: EntryId): void {
	const list = listAt(doc, path);
	if (list === null) return;
	let index = 0;
	for (let item = list._start; item !== null; item = item.right) {
		if (item.deleted || !item.countable) continue;
		if (item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length) {
			list.delete(index + (id.clock - item.id.clock), 1);
			return;
		}
		index += item.length;
	}
}

function readd(doc: Y.Doc, path: readonly string[], index: number, value: unknown): void {
	const list = listAt(doc, path);
	if (list === null) return;
	list.insert(Math.min(index, list.length), [value]);
}
