/**
 * Typed access to an incident's shared Yjs document, and the types of what it holds. The shape
 * itself (roots, fields, value checks, nested lists) is the table in schema.ts; the types here
 * are inferred from it, so a field added there is typed here without another edit.
 */
import * as Y from 'yjs';
import {
	nestedListsOf,
	ROOTS,
	type AuthoredOf,
	type EntityCollection,
	type EntityOf,
	type EntryOf,
	type NestedEntryOf,
	type RecordOf,
	type RowOf
} from './schema.ts';
import type { FigureKey } from './vocabulary.ts';

export {
	FIELDS,
	REQUIRED_FIELDS,
	ROOTS,
	type EntityCollection,
	type FieldName,
	type RootName
} from './schema.ts';
export type { Geometry, LonLat } from './schema/checks.ts';

/** Fields every user-created entity carries; the guard checks them against the sender. */
export type Authored = AuthoredOf;

export type IncidentMeta = RecordOf<'meta'>;
export type TownshipFigures = RowOf<'figures'>;
export type LogEntry = EntityOf<'log'>;
export type Annotation = EntityOf<'annotations'>;
export type Task = EntityOf<'tasks'>;
export type TaskUpdate = NestedEntryOf<'tasks', 'updates'>;
export type Feed = EntityOf<'feeds'>;
export type FeedHealthState = EntryOf<'feedHealth'>;
export type Position = EntryOf<'positions'>;
export type Warning = EntityOf<'warnings'>;
export type FieldReport = EntityOf<'reports'>;

/** Typed access to one incident document. Holds no state of its own besides the doc. */
export class IncidentDoc {
	constructor(readonly doc: Y.Doc) {}

	get meta(): Y.Map<unknown> {
		return this.doc.getMap(ROOTS.meta);
	}
	get figures(): Y.Map<Y.Map<number>> {
		return this.doc.getMap(ROOTS.figures);
	}
	get log(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap(ROOTS.log);
	}
	get annotations(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap(ROOTS.annotations);
	}
	get tasks(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap(ROOTS.tasks);
	}
	get feeds(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap(ROOTS.feeds);
	}
	get reports(): Y.Map<Y.Map<unknown>> {
		return this.doc.getMap(ROOTS.reports);
	}
	get feedHealth(): Y.Map<FeedHealthState> {
		return this.doc.getMap(ROOTS.feedHealth);
	}
	get positions(): Y.Map<Position> {
		return this.doc.getMap(ROOTS.positions);
	}
	get wall(): Y.Array<string> {
		return this.doc.getArray(ROOTS.wall);
	}

	readMeta(): Partial<IncidentMeta> {
		return this.meta.toJSON() as Partial<IncidentMeta>;
	}

	setMeta(patch: Partial<IncidentMeta>): void {
		this.doc.transact(() => {
			for (const [k, v] of Object.entries(patch)) this.meta.set(k, v);
		});
	}

	setFigure(township: string, key: FigureKey, value: number): void {
		this.doc.transact(() => {
			let row = this.figures.get(township);
			if (!row) {
				row = new Y.Map<number>();
				this.figures.set(township, row);
			}
			row.set(key, value);
		});
	}

	readFigures(): Record<string, TownshipFigures> {
		return this.figures.toJSON() as Record<string, TownshipFigures>;
	}

	/**
	 * Puts a new entity into its collection in one transaction, with its nested lists (a task's
	 * progress thread) created empty, as the guard requires of a new entity.
	 */
	addEntity<C extends EntityCollection>(collection: C, id: string, entity: EntityOf<C>): void {
		this.doc.transact(() => {
			const m = mapOf(entity);
			const lists = nestedListsOf(collection);
			if (lists) for (const field of lists.keys()) m.set(field, new Y.Array<unknown>());
			this.doc.getMap<Y.Map<unknown>>(collection).set(id, m);
		});
	}

	addLogEntry(id: string, entry: LogEntry): void {
		this.addEntity('log', id, entry);
	}

	addAnnotation(id: string, a: Annotation): void {
		this.addEntity('annotations', id, a);
	}

	addTask(id: string, t: Task): void {
		this.addEntity('tasks', id, t);
	}

	addTaskUpdate(taskId: string, u: TaskUpdate): void {
		const task = this.tasks.get(taskId);
		if (!task) throw new Error(`no task ${taskId}`);
		const updates = task.get('updates');
		if (!(updates instanceof Y.Array)) throw new Error(`task ${taskId} has no progress thread`);
		updates.push([u]);
	}

	addFeed(id: string, f: Feed): void {
		this.addEntity('feeds', id, f);
	}

	/** Sets fields of an existing entity in one transaction (one update on the wire). */
	patch(collection: EntityCollection, id: string, fields: Record<string, unknown>): void {
		const entity = this.doc.getMap<Y.Map<unknown>>(collection).get(id);
		if (!entity) throw new Error(`no ${collection} entity ${id}`);
		this.doc.transact(() => {
			for (const [k, v] of Object.entries(fields)) entity.set(k, v);
		});
	}

	remove(collection: EntityCollection, id: string): void {
		this.doc.getMap(collection).delete(id);
	}

	read<T>(collection: EntityCollection, id: string): T | undefined {
		const entity = this.doc.getMap<Y.Map<unknown>>(collection).get(id);
		return entity ? (entity.toJSON() as T) : undefined;
	}

	list<T>(collection: EntityCollection): Array<T & { id: string }> {
		const out: Array<T & { id: string }> = [];
		this.doc.getMap<Y.Map<unknown>>(collection).forEach((value, id) => {
			out.push({ ...(value.toJSON() as T), id });
		});
		return out;
	}
}

function mapOf(fields: object): Y.Map<unknown> {
	const m = new Y.Map<unknown>();
	for (const [k, v] of Object.entries(fields)) if (v !== undefined) m.set(k, v);
	return m;
}
