/**
 * The shape of an incident's shared Yjs document, and typed accessors over it.
 *
 * Every collection of entities is a root Y.Map keyed by entity id, whose values are Y.Maps of
 * fields. That keeps each change addressable as (collection, entity id, field), which is what
 * the server's permission guard resolves every incoming update to. Field values are plain JSON
 * (numbers, strings, small objects such as a GeoJSON geometry): a field is replaced whole, never
 * merged character by character, so a concurrent edit to one field resolves last-writer-wins
 * while edits to different fields of one entity both survive.
 *
 * The one exception is a task's progress thread (`updates`), a Y.Array that people append to
 * concurrently; and the video wall order (`wall`), a Y.Array of feed ids.
 */
import * as Y from 'yjs';
import type {
	AnnotationKind,
	FeedHealth,
	FeedKind,
	FigureKey,
	IncidentStatus,
	IncidentType,
	LogKind,
	ResponseLevel,
	Severity,
	TaskPriority,
	TaskStatus
} from './vocabulary.ts';

/** The root names of an incident document. Anything else at the root is refused by the guard. */
export const ROOTS = {
	meta: 'meta',
	figures: 'figures',
	log: 'log',
	annotations: 'annotations',
	tasks: 'tasks',
	feeds: 'feeds',
	feedHealth: 'feedHealth',
	positions: 'positions',
	wall: 'wall'
} as const;
export type RootName = (typeof ROOTS)[keyof typeof ROOTS];

export type LonLat = [lon: number, lat: number];

/** GeoJSON geometry in WGS84 (EPSG:4326), as stored. Never stored in GCJ-02. */
export type Geometry =
	| { type: 'Point'; coordinates: LonLat }
	| { type: 'LineString'; coordinates: LonLat[] }
	| { type: 'Polygon'; coordinates: LonLat[][] };

/** Fields every user-created entity carries; the guard checks them against the sender. */
export interface Authored {
	createdBy: string;
	ownerOrgId: string;
	/** Client clock, for display only; the server's log keeps the authoritative time. */
	createdAt: string;
}

export interface IncidentMeta {
	id: string;
	name: string;
	type: IncidentType;
	severity: Severity;
	level: ResponseLevel;
	status: IncidentStatus;
	townships: string[];
	location: LonLat | null;
	occurredAt: string;
}

export type TownshipFigures = Partial<Record<FigureKey, number>>;

export interface LogEntry extends Authored {
	kind: LogKind;
	text: string;
}

export interface Annotation extends Authored {
	kind: AnnotationKind;
	label: string;
	note: string;
	geometry: Geometry;
	taskIds: string[];
	feedIds: string[];
}

export interface TaskUpdate {
	id: string;
	by: string;
	orgId: string;
	at: string;
	text: string;
	status?: TaskStatus;
	position?: LonLat;
	/** A photo as a reference (URL or upload id); photos are not kept in the document. */
	photo?: string;
}

export interface Task extends Authored {
	title: string;
	description: string;
	assigneeOrgId: string;
	township: string | null;
	priority: TaskPriority;
	dueAt: string | null;
	location: LonLat | null;
	status: TaskStatus;
	statusReason: string;
}

export interface Feed extends Authored {
	name: string;
	kind: FeedKind;
	url: string;
	position: LonLat | null;
}

export interface FeedHealthState {
	state: FeedHealth;
	checkedAt: string;
	detail: string;
}

export interface Position {
	lonLat: LonLat;
	orgId: string;
	at: string;
}

/** Field names per collection. The guard refuses any other field. */
export const FIELDS = {
	log: ['kind', 'text', 'createdBy', 'ownerOrgId', 'createdAt'],
	annotations: [
		'kind',
		'label',
		'note',
		'geometry',
		'taskIds',
		'feedIds',
		'createdBy',
		'ownerOrgId',
		'createdAt'
	],
	tasks: [
		'title',
		'description',
		'assigneeOrgId',
		'township',
		'priority',
		'dueAt',
		'location',
		'status',
		'statusReason',
		'createdBy',
		'ownerOrgId',
		'createdAt',
		'updates'
	],
	feeds: ['name', 'kind', 'url', 'position', 'createdBy', 'ownerOrgId', 'createdAt']
} as const satisfies Record<string, readonly string[]>;

export type EntityCollection = keyof typeof FIELDS;

/**
 * The fields an entity cannot do without, per collection: what the views need to show it at
 * all (an annotation without a kind or geometry is not drawn; a task without a title, assignee,
 * priority or status cannot be listed) and who made it. The guard refuses creating an entity
 * without them and removing one later; the forms in the UI always fill them. The other fields
 * may be absent, empty or null (a task's statusReason is needed only while it is 受阻/已取消).
 */
export const REQUIRED_FIELDS = {
	log: ['kind', 'text', 'createdBy', 'ownerOrgId', 'createdAt'],
	annotations: ['kind', 'geometry', 'createdBy', 'ownerOrgId', 'createdAt'],
	tasks: ['title', 'assigneeOrgId', 'priority', 'status', 'createdBy', 'ownerOrgId', 'createdAt'],
	feeds: ['name', 'kind', 'url', 'createdBy', 'ownerOrgId', 'createdAt']
} as const satisfies { [C in EntityCollection]: ReadonlyArray<(typeof FIELDS)[C][number]> };

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

	addLogEntry(id: string, entry: LogEntry): void {
		this.doc.transact(() => this.log.set(id, mapOf(entry)));
	}

	addAnnotation(id: string, a: Annotation): void {
		this.doc.transact(() => this.annotations.set(id, mapOf(a)));
	}

	addTask(id: string, t: Task): void {
		this.doc.transact(() => {
			const m = mapOf(t);
			m.set('updates', new Y.Array<TaskUpdate>());
			this.tasks.set(id, m);
		});
	}

	addTaskUpdate(taskId: string, u: TaskUpdate): void {
		const task = this.tasks.get(taskId);
		if (!task) throw new Error(`no task ${taskId}`);
		const updates = task.get('updates');
		if (!(updates instanceof Y.Array)) throw new Error(`task ${taskId} has no progress thread`);
		updates.push([u]);
	}

	addFeed(id: string, f: Feed): void {
		this.doc.transact(() => this.feeds.set(id, mapOf(f)));
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
