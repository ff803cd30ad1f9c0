/**
 * Resolves an incoming Yjs update, before it is applied, to what it would change in the
 * incident document: every inserted item and every deleted range becomes a Touch naming the
 * collection, entity, field and value. The guard then asks the permission policy about each.
 *
 * An update names an item's parent only sometimes (see docs/yjs-update-inspection.md on update
 * inspection): an item inserted next to a neighbour carries only `origin` / `rightOrigin`,
 * so its parent and map key are those of the neighbour, which is found in the server's
 * document or among the items of the same update. Deletes are bare ID ranges, looked up in
 * the server's document (the room keeps gc off, so deleted items keep their parent).
 *
 * Anything that cannot be resolved against what the server has refuses the update with
 * MissingDependencies; anything outside the document schema (unknown roots, unknown fields,
 * nested types where the schema has plain values, text content) refuses it with Forbidden.
 *
 * This reads Yjs internals (Item, ContentAny, ContentType, doc.store) that yjs exports but does
 * not promise to keep: the version is pinned and tests/guard/inspect-update.test.ts pins shapes.
 */
import * as Y from 'yjs';
import { Close } from '#domain/protocol';
import {
	FIELDS,
	INCIDENT_SCHEMA,
	nestedListOf,
	specOf,
	type CollectionSpec,
	type EntityCollection,
	type EntriesCollection,
	type ListCollection,
	type SchemaNestedList,
	type RecordCollection,
	type RootName,
	type RowsCollection
} from '#domain/schema';
import { refuse, type Refusal } from '../rooms/refusal.ts';

/**
 * Any Yjs type. Yjs's own declarations use AbstractType<any> (doc.share, item.parent) and the
 * event parameter is invariant, so no narrower type accepts them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type YType = Y.AbstractType<any>;

/** One entity's Y.Map: on the server already (`type`), or created by this update (`newId`). */
export interface EntityRef {
	readonly collection: EntityCollection;
	readonly entityId: string;
	/** The server's Y.Map of the entity, or null if this update creates it. */
	readonly type: Y.Map<unknown> | null;
}

/**
 * Where an item lives: a root, an entity's field map, a list inside an entity (a task's progress
 * thread), a row of a rows collection (a township's figures). Kinds as in #domain/schema.
 */
type Place =
	| { kind: 'root'; root: RootName; spec: CollectionSpec }
	| { kind: 'entity'; entity: EntityRef }
	| { kind: 'nestedList'; entity: EntityRef; field: string; list: SchemaNestedList }
	| { kind: 'row'; collection: RowsCollection; key: string; type: YType | null };

export type Op = 'insert' | 'delete';

/** One thing an update changes, resolved to the schema. */
export type Touch =
	/** An entity's Y.Map put at `entityId` (insert: created by this update) or removed (delete). */
	| { kind: 'entity'; entity: EntityRef; op: Op }
	/** A field of an entity set (insert, with its value) or removed (delete). */
	| { kind: 'field'; entity: EntityRef; field: string; op: Op; value: unknown }
	/** One entry appended to or removed from a list inside an entity (a task's progress update). */
	| {
			kind: 'nestedEntry';
			entity: EntityRef;
			field: string;
			list: SchemaNestedList;
			op: Op;
			value: unknown;
			/** The entry's Yjs id (its item's client and clock): to undo it if refused. */
			id: EntryId;
	  }
	/** A row of a rows collection created or removed (a township's figure row). */
	| { kind: 'row'; collection: RowsCollection; key: string; op: Op }
	/** A cell of a row set or removed (one figure of a township). */
	| { kind: 'cell'; collection: RowsCollection; key: string; column: string; op: Op; value: unknown }
	/** A field of a record collection set or removed (the incident's own fields). */
	| { kind: 'recordField'; collection: RecordCollection; field: string; op: Op; value: unknown }
	/** The value at a key of an entries collection set or removed (a user's position). */
	| { kind: 'entry'; collection: EntriesCollection; key: string; op: Op; value: unknown }
	/** An entry of a list collection inserted or removed (a feed id on the wall). */
	| { kind: 'listEntry'; collection: ListCollection; op: Op; value: unknown; id: EntryId };

/** Where one list entry lives in Yjs: the client and clock of its item (and offset in it). */
export interface EntryId {
	readonly client: number;
	readonly clock: number;
}

export interface Inspection {
	touches: Touch[];
	/** Yjs client ids the update writes new structs under, each once. */
	clients: readonly number[];
}

/** A marker value for a nested Y type inserted by the update (an entity map, a thread). */
export const NEW_TYPE = Symbol('new Y type');

const FIELD_SETS = Object.fromEntries(
	Object.entries(FIELDS).map(([c, fs]) => [c, new Set<string>(fs)])
) as unknown as Record<EntityCollection, ReadonlySet<string>>;

/** The clients of an update that writes nothing new (frozen: #addClient replaces it, never pushes). */
const NO_CLIENTS = Object.freeze([]) as readonly number[] as number[];

/** Nested types are at most root → entity → thread deep; anything deeper is refused early. */
const MAX_PARENT_DEPTH = 4;

interface NewItem {
	item: Y.Item;
	/** First clock of the part the server lacks (items may partly overlap what it has). */
	from: number;
	/** Resolved place and map key; undefined until resolved; null when it has no effect. */
	at?: { place: Place; sub: string | null } | null;
	/** For a ContentType item: the place its type forms. */
	forms?: Place;
}

class Inspector {
	readonly touches: Touch[] = [];
	clients: number[] = NO_CLIENTS;
	/** `clients` as a set, once it is long enough for a scan to cost more (a large merged update). */
	#clientSet: Set<number> | null = null;
	/**
	 * New items in the update's order: grouped by client, in clock order within a client (how
	 * updates are encoded). Most updates come from one client; only with several are they split
	 * into per-client lists for lookups by ID (#byClient).
	 */
	#fresh: NewItem[] = [];
	#byClient: Map<number, NewItem[]> | null = null;
	#rootOfType: ReadonlyMap<YType, string>;
	/**
	 * Places of server types resolved by this update. An update usually touches one entity
	 * (a field's new value and the old value it removes), so the last one is kept apart and a
	 * Map is made only for a second. One place per type also makes one EntityRef per entity,
	 * which evaluate groups the touches by.
	 */
	#lastType: YType | null = null;
	#lastPlace: Place | null = null;
	#places: Map<YType, Place> | null = null;

	constructor(private readonly doc: Y.Doc) {
		this.#rootOfType = rootsOf(doc);
	}

	run({ structs, ds }: ReturnType<typeof Y.decodeUpdate>): Inspection {
		const store = this.doc.store;
		// Sized up front: most updates hold one or two structs, and [] reserves 17 slots on the first push.
		const fresh: NewItem[] = (this.#fresh = new Array<NewItem>(structs.length));
		let count = 0;
		for (const s of structs) {
			if (s instanceof Y.Skip) continue;
			const client = s.id.client;
			const have = Y.getState(store, client);
			if (s.id.clock + s.length <= have) continue;
			this.#addClient(client);
			// GC structs carry nothing visible (a client's own garbage-collected deletions).
			if (!(s instanceof Y.Item)) continue;
			fresh[count++] = { item: s, from: Math.max(have, s.id.clock) };
		}
		fresh.length = count;
		if (this.clients.length > 1) {
			const byClient = (this.#byClient = new Map());
			for (const n of fresh) {
				const list = byClient.get(n.item.id.client);
				if (list) list.push(n);
				else byClient.set(n.item.id.client, [n]);
			}
		}
		for (const n of fresh) this.#insertTouches(n);
		for (const [client, ranges] of ds.clients) {
			for (const r of ranges) this.#deleteTouches(client, r.clock, r.clock + r.len);
		}
		return { touches: this.touches, clients: this.clients };
	}

	#addClient(client: number): void {
		const clients = this.clients;
		if (clients.length === 0) {
			this.clients = [client];
			return;
		}
		if (clients[clients.length - 1] === client) return;
		if (this.#clientSet !== null) {
			if (this.#clientSet.has(client)) return;
			this.#clientSet.add(client);
		} else if (clients.includes(client)) return;
		else if (clients.length === 16) this.#clientSet = new Set([...clients, client]);
		clients.push(client);
	}

	/** The update's new items of `client`, in clock order. */
	#newItemsOf(client: number): NewItem[] | undefined {
		if (this.#byClient !== null) return this.#byClient.get(client);
		return this.clients.length === 1 && this.clients[0] === client ? this.#fresh : undefined;
	}

	// --- inserts -------------------------------------------------------------------------

	#insertTouches(n: NewItem): void {
		const at = this.#resolve(n, 0);
		if (!at) return;
		const { item } = n;
		const c = item.content;
		if (c instanceof Y.ContentDeleted) {
			// Inserted already deleted: invisible in a list; in a map slot it still displaces the current value.
			if (at.sub !== null) this.#displace(at.place, at.sub);
			return;
		}
		if (c instanceof Y.ContentType) {
			if (at.sub === null || item.content.getLength() !== 1)
				throw forbidden('a nested type must be a map entry');
			n.forms ??= this.#formedPlace(at.place, at.sub, c.type, null);
			this.#slotTouch(at.place, at.sub, 'insert', NEW_TYPE, n.forms);
			return;
		}
		if (!(c instanceof Y.ContentAny)) {
			throw forbidden(`${c.constructor.name} content is not part of the incident document`);
		}
		const first = Math.max(n.from, item.id.clock);
		const values = first > item.id.clock ? c.arr.slice(first - item.id.clock) : c.arr;
		if (at.sub !== null) {
			if (values.length !== 1) throw forbidden('a map entry must hold exactly one value');
			this.#slotTouch(at.place, at.sub, 'insert', values[0], null);
		} else {
			const client = item.id.client;
			for (let i = 0; i < values.length; i++)
				this.#listTouch(at.place, 'insert', values[i], { client, clock: first + i });
		}
	}

	/** Where a new item lives: its explicit parent, or that of its neighbours. */
	#resolve(n: NewItem, depth: number): { place: Place; sub: string | null } | null {
		if (n.at !== undefined) return n.at;
		if (depth > MAX_PARENT_DEPTH) throw forbidden('nested deeper than the incident document allows');
		// Walk the neighbour chain iteratively: a list appended item by item chains thousands deep.
		const chain: NewItem[] = [];
		let cur: NewItem = n;
		let at: { place: Place; sub: string | null } | null;
		for (;;) {
			const { parent, parentSub, origin, rightOrigin } = cur.item;
			const p = parent as unknown;
			if (typeof p === 'string') {
				const place = ROOT_PLACES.get(p);
				if (place === undefined) throw forbidden(`unknown root "${p}"`);
				at = { place, sub: parentSub };
				break;
			}
			if (p instanceof Y.ID) {
				at = { place: this.#placeFormedBy(p, depth + 1), sub: parentSub };
				break;
			}
			const neighbour = origin ?? rightOrigin;
			if (!neighbour) throw forbidden('an item with neither parent nor neighbours');
			const server = this.#serverStruct(neighbour);
			if (server) {
				if (!(server instanceof Y.Item)) {
					// Yjs discards an item next to a garbage-collected neighbour: it has no effect.
					at = null;
					break;
				}
				at = { place: this.#placeOfType(server.parent as YType), sub: server.parentSub };
				break;
			}
			const next = this.#newItem(neighbour);
			if (next.at !== undefined) {
				at = next.at;
				break;
			}
			chain.push(cur);
			cur = next;
			if (chain.length > 1_000_000) throw forbidden('neighbour chain too long');
		}
		cur.at = at;
		for (const c of chain) c.at = at;
		this.#checkSlotKind(at);
		return at;
	}

	#checkSlotKind(at: { place: Place; sub: string | null } | null): void {
		if (!at) return;
		const isList =
			at.place.kind === 'nestedList' || (at.place.kind === 'root' && at.place.spec.kind === 'list');
		if (isList && at.sub !== null) throw forbidden('a list was written to as a map');
		if (!isList && at.sub === null) throw forbidden('a map was written to as a list');
	}

	/** The place formed by the type of the item with `id` (a parent reference). */
	#placeFormedBy(id: Y.ID, depth: number): Place {
		const server = this.#serverStruct(id);
		if (server) {
			if (!(server instanceof Y.Item) || !(server.content instanceof Y.ContentType)) {
				throw forbidden('parent is not a nested type');
			}
			return this.#placeOfType(server.content.type);
		}
		const n = this.#newItem(id);
		if (!(n.item.content instanceof Y.ContentType)) throw forbidden('parent is not a nested type');
		if (n.forms) return n.forms;
		const at = this.#resolve(n, depth);
		if (!at || at.sub === null) throw forbidden('parent is not a nested type');
		n.forms = this.#formedPlace(at.place, at.sub, n.item.content.type, null);
		return n.forms;
	}

	/** The place of a type that exists in the server's document. */
	#placeOfType(type: YType): Place {
		if (type === this.#lastType) return this.#lastPlace!;
		const item = type._item;
		if (item === null) {
			let root = this.#rootOfType.get(type);
			if (root === undefined) root = (this.#rootOfType = rootsOf(this.doc, type)).get(type);
			const place = root === undefined ? undefined : ROOT_PLACES.get(root);
			if (place === undefined) throw forbidden('unknown root type');
			return place;
		}
		const known = this.#places?.get(type);
		if (known !== undefined) return known;
		if (item.parentSub === null) throw forbidden('a nested type inside a list');
		const parent = this.#placeOfType(item.parent as YType);
		const place = this.#formedPlace(parent, item.parentSub, type, type);
		if (this.#lastType !== null) (this.#places ??= new Map()).set(this.#lastType, this.#lastPlace!);
		this.#lastType = type;
		this.#lastPlace = place;
		return place;
	}

	/** What a nested type at (place, sub) is in the schema; refuses types the schema lacks. */
	#formedPlace(place: Place, sub: string, type: YType, server: YType | null): Place {
		if (place.kind === 'root' && type instanceof Y.Map) {
			if (place.spec.kind === 'entities')
				return { kind: 'entity', entity: this.#entityRef(place.root as EntityCollection, sub, server) };
			if (place.spec.kind === 'rows')
				return { kind: 'row', collection: place.root as RowsCollection, key: sub, type: server };
		}
		if (place.kind === 'entity' && type instanceof Y.Array) {
			const list = nestedListOf(place.entity.collection, sub);
			if (list !== undefined) return { kind: 'nestedList', entity: place.entity, field: sub, list };
		}
		throw forbidden(`a ${type.constructor.name} is not allowed at ${describe(place)}.${sub}`);
	}

	#entityRef(collection: EntityCollection, entityId: string, server: YType | null): EntityRef {
		// A server type's ref is made once per update, with its place (#placeOfType), so it is the same object
		// for every touch of the entity: evaluate groups touches by it.
		return { collection, entityId, type: server as Y.Map<unknown> | null };
	}

	#serverStruct(id: Y.ID): Y.Item | Y.GC | null {
		return serverStruct(this.doc, id.client, id.clock);
	}

	#newItem(id: Y.ID): NewItem {
		const n = findNew(this.#newItemsOf(id.client), id.clock);
		if (!n) throw missing(`item ${id.client}:${id.clock} is neither on the server nor in the update`);
		return n;
	}

	// --- deletes -------------------------------------------------------------------------

	#deleteTouches(client: number, start: number, end: number): void {
		let clock = start;
		while (clock < end) {
			const s = serverStruct(this.doc, client, clock);
			if (s !== null) {
				const sEnd = s.id.clock + s.length;
				if (s instanceof Y.Item && !s.deleted) this.#deleteItem(s, clock, Math.min(end, sEnd));
				clock = sEnd;
				continue;
			}
			// Deleting an item created by the same update leaves nothing visible.
			const n = findNew(this.#newItemsOf(client), clock);
			if (!n) throw missing(`delete of ${client}:${clock}, which the server does not have`);
			clock = n.item.id.clock + n.item.length;
		}
	}

	#deleteItem(item: Y.Item, from: number, to: number): void {
		const place = this.#placeOfType(item.parent as YType);
		const sub = item.parentSub;
		if (sub !== null) {
			const c = item.content;
			const value = c instanceof Y.ContentAny ? c.arr[c.arr.length - 1] : undefined;
			const forms = c instanceof Y.ContentType ? this.#placeOfType(c.type) : null;
			this.#slotTouch(place, sub, 'delete', value, forms);
			return;
		}
		const values = item.content.getContent().slice(from - item.id.clock, to - item.id.clock);
		const client = item.id.client;
		for (let i = 0; i < values.length; i++)
			this.#listTouch(place, 'delete', values[i], { client, clock: from + i });
	}

	// --- classification ------------------------------------------------------------------

	/** A map entry set or removed at (place, sub). `forms` is the place a nested type there forms. */
	#slotTouch(place: Place, sub: string, op: Op, value: unknown, forms: Place | null): void {
		switch (place.kind) {
			case 'root': {
				const { root, spec } = place;
				switch (spec.kind) {
					case 'record':
						if (forms) throw forbidden(`${spec.nouns} hold plain values`);
						this.touches.push({
							kind: 'recordField',
							collection: root as RecordCollection,
							field: sub,
							op,
							value
						});
						return;
					case 'entries':
						if (forms) throw forbidden(`${spec.nouns} hold plain values`);
						this.touches.push({ kind: 'entry', collection: root as EntriesCollection, key: sub, op, value });
						return;
					case 'rows':
						if (forms?.kind !== 'row' && value !== undefined)
							throw forbidden(`a ${spec.noun} row must be a map`);
						this.touches.push({ kind: 'row', collection: root as RowsCollection, key: sub, op });
						return;
					case 'list':
						throw forbidden(`the ${spec.noun} is a list`);
					case 'entities': {
						if (forms?.kind !== 'entity') {
							if (op === 'delete') throw forbidden(`${root}.${sub} is not an entity`);
							throw forbidden(`an entity of ${root} must be a map`);
						}
						if (op === 'insert') this.#displace(place, sub);
						this.touches.push({ kind: 'entity', entity: forms.entity, op });
						return;
					}
				}
				return exhaustive(spec);
			}
			case 'entity': {
				const { collection } = place.entity;
				if (!FIELD_SETS[collection].has(sub)) throw forbidden(`unknown field ${collection}.${sub}`);
				const isList = nestedListOf(collection, sub) !== undefined;
				if (isList ? forms?.kind !== 'nestedList' && op === 'insert' : forms !== null) {
					throw forbidden(`${collection}.${sub} has the wrong shape`);
				}
				this.touches.push({ kind: 'field', entity: place.entity, field: sub, op, value });
				return;
			}
			case 'row':
				if (forms) throw forbidden(`${INCIDENT_SCHEMA[place.collection].nouns} are plain numbers`);
				this.touches.push({
					kind: 'cell',
					collection: place.collection,
					key: place.key,
					column: sub,
					op,
					value
				});
				return;
			case 'nestedList':
				throw forbidden(`a ${place.list.noun} is a list`);
		}
	}

	/** A map entry put where one exists replaces (deletes) the current one: that removal is a change too. */
	#displace(place: Place, sub: string): void {
		const type =
			place.kind === 'root'
				? (this.doc.share.get(place.root) ?? null)
				: place.kind === 'entity'
					? place.entity.type
					: place.kind === 'row'
						? place.type
						: null;
		const current = type?._map.get(sub);
		if (current && !current.deleted)
			this.#deleteItem(current, current.id.clock, current.id.clock + current.length);
	}

	#listTouch(place: Place, op: Op, value: unknown, id: EntryId): void {
		if (place.kind === 'nestedList') {
			const { entity, field, list } = place;
			this.touches.push({ kind: 'nestedEntry', entity, field, list, op, value, id });
		} else if (place.kind === 'root' && place.spec.kind === 'list')
			this.touches.push({ kind: 'listEntry', collection: place.root as ListCollection, op, value, id });
		else throw forbidden(`${describe(place)} is not a list`);
	}
}

/** The place of each root of the schema (a Map: a root name comes from the update, and may be anything). */
const ROOT_PLACES: ReadonlyMap<string, Place> = new Map(
	Object.keys(INCIDENT_SCHEMA).map((root) => [
		root,
		{ kind: 'root', root: root as RootName, spec: specOf(root)! }
	])
);

/**
 * Root type → name, per document, rebuilt when a root was added or when `missing` (a root type
 * the cache does not know) is asked for. The hot path reads it per update.
 *
 * Regression (security review): Yjs replaces a root with a typed instance the first time someone
 * asks for it with a type (`doc.getMap('feeds')`) after it was created untyped by applying
 * updates: the number of roots stays the same, the cache kept the replaced object, and every edit
 * of an existing feed was refused as "unknown root type" until the room unloaded. The guard also
 * types every root when a room is loaded (typeIncidentRoots).
 */
const rootCache = new WeakMap<Y.Doc, Map<YType, string>>();
function rootsOf(doc: Y.Doc, missing?: YType): ReadonlyMap<YType, string> {
	let m = rootCache.get(doc);
	if (!m || m.size !== doc.share.size || (missing !== undefined && !m.has(missing))) {
		m = new Map();
		for (const [name, type] of doc.share) m.set(type, name);
		rootCache.set(doc, m);
	}
	return m;
}

/** The server's struct holding client:clock, or null if the server does not have it yet. */
function serverStruct(doc: Y.Doc, client: number, clock: number): Y.Item | Y.GC | null {
	const structs = doc.store.clients.get(client) as Array<Y.Item | Y.GC> | undefined;
	if (structs === undefined) return null;
	const last = structs[structs.length - 1]!;
	if (clock >= last.id.clock + last.length) return null;
	return structs[Y.findIndexSS(structs, clock)]!;
}

function findNew(list: NewItem[] | undefined, clock: number): NewItem | undefined {
	if (!list) return undefined;
	let lo = 0;
	let hi = list.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >>> 1;
		const n = list[mid]!;
		const start = n.item.id.clock;
		if (clock < start) hi = mid - 1;
		else if (clock >= start + n.item.length) lo = mid + 1;
		else return n;
	}
	return undefined;
}

function describe(place: Place): string {
	switch (place.kind) {
		case 'root':
			return place.root;
		case 'entity':
			return `${place.entity.collection}.${place.entity.entityId}`;
		case 'nestedList':
			return `${place.entity.collection}.${place.entity.entityId}.${place.field}`;
		case 'row':
			return `${place.collection}.${place.key}`;
	}
}

function exhaustive(x: never): never {
	throw new Error(`unexpected schema kind ${JSON.stringify(x)}`);
}

function forbidden(message: string): Refusal {
	return refuse(Close.Forbidden, message);
}

function missing(message: string): Refusal {
	return refuse(Close.MissingDependencies, message);
}

/** Gives every root of the incident schema its type (a Y.Map, a list collection a Y.Array), once loaded. */
export function typeIncidentRoots(doc: Y.Doc): void {
	for (const [root, spec] of Object.entries(INCIDENT_SCHEMA)) {
		if (spec.kind === 'list') doc.getArray(root);
		else doc.getMap(root);
	}
}

/** Resolves what `update` would change in `doc`. Throws a Refusal when it cannot or must not. */
/** `decoded` is the update already decoded by the caller (the room does), to skip a decode. */
export function inspectUpdate(
	doc: Y.Doc,
	update: Uint8Array,
	decoded: ReturnType<typeof Y.decodeUpdate> = Y.decodeUpdate(update)
): Inspection {
	return new Inspector(doc).run(decoded);
}

/** An entity's fields as the server holds them (a removed entity's last values, for the policy). */
export function readEntityFacts(type: Y.Map<unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const key of type._map.keys()) {
		const item = visibleItem(type, key);
		if (item !== undefined) out[key] = valueOf(item);
	}
	return out;
}

/**
 * The item holding an entity field's value as readEntityFacts sees it: the current one, or for
 * a removed entity its last one; undefined when the field has no value.
 */
function visibleItem(type: Y.Map<unknown>, key: string): Y.Item | undefined {
	const item = type._map.get(key);
	if (item === undefined) return undefined;
	if (item.deleted && !(type._item?.deleted ?? false)) return undefined;
	const c = item.content;
	return c instanceof Y.ContentAny || c instanceof Y.ContentType ? item : undefined;
}

function valueOf(item: Y.Item): unknown {
	const c = item.content;
	return c instanceof Y.ContentAny ? c.arr[c.arr.length - 1] : NEW_TYPE;
}

/** A field's value set or removed by the update being judged (see entityFacts). */
export interface FieldChange {
	readonly field: string;
	readonly value: unknown;
	/** false: the field is removed. */
	readonly set: boolean;
}

/** The change to `field` in `changes` (at most one per field: an entity has a dozen fields). */
export function changeOf(changes: readonly FieldChange[], field: string): FieldChange | undefined {
	for (const c of changes) if (c.field === field) return c;
	return undefined;
}

/**
 * The same record as readEntityFacts(type), with `changes` applied over it, read on demand: the
 * policy asks about one or two fields of an entity (owner, creator, assignee, status), and
 * copying all of them on every update cost more than the rest of the check. The view is only
 * valid while the document is unchanged: read it during the check, do not keep it.
 */
export function entityFacts(
	type: Y.Map<unknown>,
	changes: readonly FieldChange[] | null = null
): Readonly<Record<string, unknown>> {
	return new Proxy(new FactsTarget(type, changes), FACTS_VIEW) as unknown as Readonly<
		Record<string, unknown>
	>;
}

class FactsTarget {
	constructor(
		readonly type: Y.Map<unknown>,
		readonly changes: readonly FieldChange[] | null
	) {}

	has(key: string): boolean {
		const c = this.changes === null ? undefined : changeOf(this.changes, key);
		return c !== undefined ? c.set : visibleItem(this.type, key) !== undefined;
	}

	get(key: string): unknown {
		const c = this.changes === null ? undefined : changeOf(this.changes, key);
		if (c !== undefined) return c.set ? c.value : undefined;
		const item = visibleItem(this.type, key);
		return item === undefined ? undefined : valueOf(item);
	}

	keys(): string[] {
		const out: string[] = [];
		for (const key of this.type._map.keys()) if (this.has(key)) out.push(key);
		if (this.changes)
			for (const c of this.changes) if (c.set && !this.type._map.has(c.field)) out.push(c.field);
		return out;
	}
}

/** A read-only plain record to whoever reads it: property reads, `in`, keys, spread, JSON. */
const FACTS_VIEW: ProxyHandler<FactsTarget> = {
	get: (t, key) => (typeof key === 'string' ? t.get(key) : undefined),
	has: (t, key) => typeof key === 'string' && t.has(key),
	ownKeys: (t) => t.keys(),
	getOwnPropertyDescriptor: (t, key) =>
		typeof key === 'string' && t.has(key)
			? { value: t.get(key), writable: false, enumerable: true, configurable: true }
			: undefined,
	set: () => false,
	defineProperty: () => false,
	deleteProperty: () => false,
	getPrototypeOf: () => Object.prototype
};
