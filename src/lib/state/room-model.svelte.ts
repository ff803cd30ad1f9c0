/**
 * An incident document as reactive, plain data for the room page and the leaders' screen.
 *
 * The RoomConnection replaces its Y.Doc after a refused change, so the model does not hold a
 * doc: a component calls `attach(conn.doc)` inside an `$effect` and the model re-reads
 * whichever root collection changed. Each collection is re-read into `$state.raw`: the views
 * derive lists from it, and one re-read per transaction is cheaper than fine-grained proxies
 * over a thousand tasks. Tasks, the big collection, re-read only the tasks a transaction
 * touched; the others keep their objects, so keyed lists leave their rows alone.
 */
import * as Y from 'yjs';
import {
	ROOTS,
	type Feed,
	type FeedHealthState,
	type FieldReport,
	type IncidentMeta,
	type Position,
	type TaskUpdate,
	type TownshipFigures
} from '$lib/domain/incident-doc';
import type { LogItem } from './board.ts';
import type { TaskItem } from './tasks.ts';

export type FeedItem = Feed & { id: string };
export type ReportItem = FieldReport & { id: string };

export class RoomModel {
	#meta = $state.raw<Partial<IncidentMeta>>({});
	#figures = $state.raw<Record<string, TownshipFigures>>({});
	#log = $state.raw<LogItem[]>([]);
	#tasks = $state.raw<TaskItem[]>([]);
	#threads = $state.raw<Record<string, TaskUpdate[]>>({});
	#feeds = $state.raw<FeedItem[]>([]);
	#health = $state.raw<Record<string, FeedHealthState>>({});
	#wall = $state.raw<string[]>([]);
	#positions = $state.raw<Record<string, Position>>({});
	#reports = $state.raw<ReportItem[]>([]);
	#annotationCount = $state(0);
	/** Each task as last read, by id: reused until a transaction touches that task. */
	// A plain Map: a cache behind the reactive `#tasks`, never read by a view.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	#taskCache = new Map<string, { task: TaskItem; thread: TaskUpdate[] }>();

	get meta(): Partial<IncidentMeta> {
		return this.#meta;
	}
	get figures(): Record<string, TownshipFigures> {
		return this.#figures;
	}
	get log(): LogItem[] {
		return this.#log;
	}
	get tasks(): TaskItem[] {
		return this.#tasks;
	}
	/** Progress threads by task id, oldest first. */
	get threads(): Record<string, TaskUpdate[]> {
		return this.#threads;
	}
	get feeds(): FeedItem[] {
		return this.#feeds;
	}
	get health(): Record<string, FeedHealthState> {
		return this.#health;
	}
	/** Feed ids pinned to the video wall, in wall order. */
	get wall(): string[] {
		return this.#wall;
	}
	get positions(): Record<string, Position> {
		return this.#positions;
	}
	/** Field reports (现场报告), newest first. */
	get reports(): ReportItem[] {
		return this.#reports;
	}
	/** How many annotations the document holds (the map layer reads the features themselves). */
	get annotationCount(): number {
		return this.#annotationCount;
	}
	get closed(): boolean {
		return this.#meta.status === 'closed';
	}

	/** Reads `doc` now and on every change; returns the detach function for `$effect`. */
	attach(doc: Y.Doc): () => void {
		this.#taskCache.clear();
		const readers: Array<[DeepObservable, (events?: Array<Y.YEvent<Y.AbstractType<unknown>>>) => void]> = [
			[doc.getMap(ROOTS.meta), () => (this.#meta = doc.getMap(ROOTS.meta).toJSON() as Partial<IncidentMeta>)],
			[doc.getMap(ROOTS.figures), () => (this.#figures = doc.getMap(ROOTS.figures).toJSON())],
			[doc.getMap(ROOTS.log), () => (this.#log = entities<LogItem>(doc.getMap(ROOTS.log)))],
			[doc.getMap(ROOTS.tasks), (events) => this.#readTasks(doc.getMap(ROOTS.tasks), events)],
			[doc.getMap(ROOTS.feeds), () => (this.#feeds = entities<FeedItem>(doc.getMap(ROOTS.feeds)))],
			[doc.getMap(ROOTS.feedHealth), () => (this.#health = doc.getMap(ROOTS.feedHealth).toJSON())],
			[doc.getArray(ROOTS.wall), () => (this.#wall = doc.getArray<string>(ROOTS.wall).toArray())],
			[doc.getMap(ROOTS.positions), () => (this.#positions = doc.getMap(ROOTS.positions).toJSON())],
			[doc.getMap(ROOTS.annotations), () => (this.#annotationCount = doc.getMap(ROOTS.annotations).size)],
			[
				doc.getMap(ROOTS.reports),
				() =>
					(this.#reports = entities<ReportItem>(doc.getMap(ROOTS.reports)).sort((a, b) =>
						b.createdAt.localeCompare(a.createdAt)
					))
			]
		];
		for (const [type, read] of readers) {
			read();
			type.observeDeep(read);
		}
		return () => {
			for (const [type, read] of readers) type.unobserveDeep(read);
		};
	}

	#readTasks(map: Y.Map<unknown>, events?: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
		if (events) {
			for (const e of events) {
				if (e.target === map)
					for (const key of (e as Y.YMapEvent<unknown>).keysChanged) this.#taskCache.delete(key);
				else if (typeof e.path[0] === 'string') this.#taskCache.delete(e.path[0]);
			}
		} else {
			this.#taskCache.clear();
		}
		const tasks: TaskItem[] = [];
		const threads: Record<string, TaskUpdate[]> = {};
		map.forEach((value, id) => {
			if (!(value instanceof Y.Map)) return;
			let read = this.#taskCache.get(id);
			if (!read) {
				const { updates, ...fields } = value.toJSON() as TaskItem & { updates?: TaskUpdate[] };
				read = { task: { ...fields, id }, thread: updates ?? [] };
				this.#taskCache.set(id, read);
			}
			tasks.push(read.task);
			threads[id] = read.thread;
		});
		this.#tasks = tasks;
		this.#threads = threads;
	}
}

/** What the model needs of a Y type (Y.Map and Y.Array differ in their event types). */
interface DeepObservable {
	observeDeep(f: (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => void): void;
	unobserveDeep(f: (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => void): void;
}

function entities<T extends { id: string }>(map: Y.Map<unknown>): T[] {
	const out: T[] = [];
	map.forEach((value, id) => {
		if (value instanceof Y.Map) out.push({ ...(value.toJSON() as Omit<T, 'id'>), id } as T);
	});
	return out;
}
