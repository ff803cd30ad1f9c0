/**
 * Judges an inspected update against the permission policy: groups the touches by entity,
 * works out each entity's state before and after, checks every value's shape and asks the
 * policy about every change. `judge` sorts the update into the changes to record for attribution
 * (one row per entity created or deleted, per field changed) and the parts refused, each with
 * why (accept and compensate: compensation.ts undoes them); `evaluate` refuses on the first
 * denial.
 *
 * A refused part is one unit the server can undo on its own: a simple touch (a figure, an
 * incident field, a position, a wall entry), or everything the update does to one entity. An
 * entity is judged as one unit because its rules read several fields at once (a status move and
 * its reason, a progress update and the move it records): undoing only some of them could leave
 * a state no rule allowed.
 */
import type { Actor, OrgDirectory } from '#domain/actor';
import {
	whyNot,
	whyNotAddEntries,
	whyNotChangeIncident,
	whyNotSetField,
	whyNotWriteTo,
	type EntityFacts
} from '#domain/policy';
import {
	checkCellValue,
	checkEntryValue,
	checkFieldRemoval,
	checkFieldValue,
	checkListEntry,
	checkNestedEntry,
	checkRecordValue,
	checkRequiredFields,
	checkRowKey
} from '#domain/policy/values';
import { entryTarget, listTarget, nestedEntryTarget, recordTarget, rowTarget } from '#domain/policy/targets';
import {
	INCIDENT_SCHEMA,
	nestedListOf,
	nestedListsOf,
	ROOTS,
	writtenByServer,
	type RootName,
	type SchemaNestedList
} from '#domain/schema';
import { Close } from '#domain/protocol';
import type * as Y from 'yjs';
import { refuse, Refusal } from '../rooms/refusal.ts';
import {
	changeOf,
	entityFacts,
	NEW_TYPE,
	type EntityRef,
	type EntryId,
	type FieldChange,
	type Touch
} from './inspect-update.ts';

export type ChangeOp = 'create' | 'update' | 'delete';

/** One attributed change: what the doc_changes table records. */
export interface Change {
	collection: string;
	/** Entity id, township code or user id; null for the incident's own fields and the wall. */
	entityId: string | null;
	field: string | null;
	op: ChangeOp;
}

/** Everything one update does to one entity, as judge groups it (read-only outside this file). */
export interface EntityGroup {
	ref: EntityRef;
	created: boolean;
	deleted: boolean;
	/**
	 * Each field the update sets (with its value) or only removes, in the order first touched.
	 * Last write wins, as in Yjs.
	 */
	fields: FieldChange[];
	/** Entries added to / removed from the entity's nested lists (a task's thread); null until there is one. */
	lists: NestedListChange[] | null;
}

/** One entry of a nested list added or removed, with its Yjs id. */
export interface NestedEntry {
	readonly value: unknown;
	readonly id: EntryId;
}

/** What an update does to one nested list of an entity. */
export interface NestedListChange {
	readonly field: string;
	readonly list: SchemaNestedList;
	readonly adds: NestedEntry[];
	readonly removals: NestedEntry[];
}

/** A touch that is judged on its own (not part of an entity). */
export type SimpleTouch = Exclude<Touch, { kind: 'entity' | 'field' | 'nestedEntry' }>;

/** A part of an update the policy refuses, with why. */
export type RefusedPart =
	| { readonly kind: 'touch'; readonly touch: SimpleTouch; readonly reason: string }
	| { readonly kind: 'entity'; readonly group: EntityGroup; readonly reason: string };

export interface Judgement {
	/** The allowed changes, for attribution. */
	changes: Change[];
	/** The refused parts, in the order first touched. */
	refused: RefusedPart[];
}

/** The change to the nested list at `field` in the group, made on first use. */
function nestedListChange(g: EntityGroup, field: string, list: SchemaNestedList): NestedListChange {
	const lists = (g.lists ??= []);
	for (const l of lists) if (l.field === field) return l;
	const l: NestedListChange = { field, list, adds: [], removals: [] };
	lists.push(l);
	return l;
}

const NO_FACTS: EntityFacts = Object.freeze({});

function deny(reason: string | null): void {
	if (reason) throw refuse(Close.Forbidden, reason);
}

/** A collection only the server writes (feed health) is refused as such, before its values are judged. */
function denyServerWritten(actor: Actor, collection: RootName): void {
	if (writtenByServer(collection)) deny(whyNotWriteTo(actor, collection));
}

/** Sets or removes `field` in the group: the field keeps its first place, the last write its value. */
function setField(g: EntityGroup, field: string, value: unknown, set: boolean): void {
	const fields = g.fields;
	for (let i = 0; i < fields.length; i++) {
		if (fields[i]!.field !== field) continue;
		// A field overwritten in one update shows as the new value plus the old value's removal.
		if (set || !fields[i]!.set) fields[i] = { field, value, set };
		return;
	}
	fields.push({ field, value, set });
}

/**
 * The touched entities' groups in the order first touched. Most updates touch one entity, so
 * a Map is only made for a second one.
 */
class Groups {
	#first: EntityGroup | null = null;
	#all: Map<EntityRef, EntityGroup> | null = null;

	of(ref: EntityRef): EntityGroup {
		const first = this.#first;
		if (first === null) return (this.#first = newGroup(ref));
		if (first.ref === ref) return first;
		if (this.#all === null) this.#all = new Map([[first.ref, first]]);
		let g = this.#all.get(ref);
		if (g === undefined) this.#all.set(ref, (g = newGroup(ref)));
		return g;
	}

	forEach(fn: (g: EntityGroup) => void): void {
		if (this.#all !== null) for (const g of this.#all.values()) fn(g);
		else if (this.#first !== null) fn(this.#first);
	}
}

function newGroup(ref: EntityRef): EntityGroup {
	return { ref, created: false, deleted: false, fields: [], lists: null };
}

/**
 * `doc` is the room's document before the update is applied: the incident's own state (closed or
 * not) is judged as it stands then, so an update that reopens an incident is judged as a change
 * to a closed one (commander-only either way).
 */
export function judge(actor: Actor, touches: readonly Touch[], orgs: OrgDirectory, doc: Y.Doc): Judgement {
	const changes: Change[] = [];
	const refused: RefusedPart[] = [];
	const groups = new Groups();
	// A closed incident refuses every part alike (judged as it stands before the update).
	const closed = touches.length > 0 ? whyNotChangeIncident(actor, incidentFacts(doc)) : null;

	for (const t of touches) {
		switch (t.kind) {
			case 'entity': {
				const g = groups.of(t.entity);
				if (t.op === 'insert') g.created = true;
				else g.deleted = true;
				break;
			}
			case 'field': {
				if (t.op === 'insert') setField(groups.of(t.entity), t.field, t.value, true);
				else setField(groups.of(t.entity), t.field, undefined, false);
				break;
			}
			case 'nestedEntry': {
				const l = nestedListChange(groups.of(t.entity), t.field, t.list);
				if (t.op === 'insert') l.adds.push({ value: t.value, id: t.id });
				else l.removals.push({ value: t.value, id: t.id });
				break;
			}
			default: {
				const reason = closed ?? whyNotTouch(actor, t, orgs, changes);
				if (reason !== null) refused.push({ kind: 'touch', touch: t, reason });
			}
		}
	}

	groups.forEach((g) => {
		const own: Change[] = [];
		const reason = closed ?? denial(() => judgeEntity(actor, g, orgs, own));
		if (reason !== null) refused.push({ kind: 'entity', group: g, reason });
		else for (const c of own) changes.push(c);
	});
	return { changes: dedupe(changes), refused };
}

/** judge, refusing the whole update on the first refused part (for callers that cannot compensate). */
export function evaluate(actor: Actor, touches: readonly Touch[], orgs: OrgDirectory, doc: Y.Doc): Change[] {
	const { changes, refused } = judge(actor, touches, orgs, doc);
	if (refused.length > 0) deny(refused[0]!.reason);
	return changes;
}

/** What `fn` denied (its Forbidden refusal's reason), or null if it denied nothing. */
function denial(fn: () => void): string | null {
	try {
		fn();
		return null;
	} catch (err) {
		if (err instanceof Refusal && err.close === Close.Forbidden) return err.message;
		throw err;
	}
}

/** Why a simple touch is refused, or null (then its change is added to `changes`). */
function whyNotTouch(actor: Actor, t: SimpleTouch, orgs: OrgDirectory, changes: Change[]): string | null {
	return denial(() => {
		switch (t.kind) {
			case 'row':
				denyServerWritten(actor, t.collection);
				deny(checkRowKey(t.collection, t.key));
				deny(whyNot(actor, 'update', rowTarget(t.collection, t.key), orgs));
				changes.push({
					collection: t.collection,
					entityId: t.key,
					field: null,
					op: t.op === 'insert' ? 'create' : 'delete'
				});
				return;
			case 'cell':
				denyServerWritten(actor, t.collection);
				if (t.op === 'insert') deny(checkCellValue(t.collection, t.column, t.value));
				deny(whyNot(actor, 'update', rowTarget(t.collection, t.key), orgs));
				changes.push({
					collection: t.collection,
					entityId: t.key,
					field: t.column,
					op: t.op === 'insert' ? 'update' : 'delete'
				});
				return;
			case 'recordField':
				denyServerWritten(actor, t.collection);
				if (t.op === 'insert') deny(checkRecordValue(t.collection, t.field, t.value));
				deny(whyNot(actor, 'update', recordTarget(t.collection), orgs));
				changes.push({
					collection: t.collection,
					entityId: null,
					field: t.field,
					op: t.op === 'insert' ? 'update' : 'delete'
				});
				return;
			case 'entry': {
				denyServerWritten(actor, t.collection);
				if (t.op === 'insert') deny(checkEntryValue(t.collection, t.value));
				deny(
					whyNot(
						actor,
						t.op === 'insert' ? 'update' : 'delete',
						entryTarget(t.collection, t.key, t.op === 'insert' ? t.value : null),
						orgs
					)
				);
				changes.push({
					collection: t.collection,
					entityId: t.key,
					field: null,
					op: t.op === 'insert' ? 'update' : 'delete'
				});
				return;
			}
			case 'listEntry':
				denyServerWritten(actor, t.collection);
				if (t.op === 'insert') deny(checkListEntry(t.collection, t.value));
				deny(whyNot(actor, 'update', listTarget(t.collection), orgs));
				changes.push({ collection: t.collection, entityId: null, field: null, op: 'update' });
				return;
			default:
				exhaustive(t);
		}
	});
}

function judgeEntity(actor: Actor, g: EntityGroup, orgs: OrgDirectory, changes: Change[]): void {
	const { collection, entityId, type } = g.ref;
	denyServerWritten(actor, collection);
	if (g.deleted) {
		// Whatever else the update does inside an entity it removes is invisible.
		deny(whyNot(actor, 'delete', { collection, entity: type ? entityFacts(type) : NO_FACTS }, orgs));
		changes.push({ collection, entityId, field: null, op: 'delete' });
		return;
	}
	if (g.created) {
		const facts: Record<string, unknown> = {};
		for (const { field, value, set } of g.fields) {
			if (!set) continue;
			if (nestedListOf(collection, field) !== undefined) {
				if (value !== NEW_TYPE) deny(`${collection}.${field} must be a list`);
				continue;
			}
			deny(checkFieldValue(collection, field, value));
			facts[field] = value;
		}
		const lists = nestedListsOf(collection);
		if (lists !== null) {
			for (const [field, list] of lists) {
				if (list.required && changeOf(g.fields, field)?.value !== NEW_TYPE)
					deny(`a new ${INCIDENT_SCHEMA[collection].noun} needs its ${list.noun}`);
			}
		}
		deny(checkRequiredFields(collection, facts));
		deny(whyNot(actor, 'create', { collection, entity: facts }, orgs));
		changes.push({ collection, entityId, field: null, op: 'create' });
		judgeNestedLists(actor, g, null, facts, orgs, changes);
		return;
	}
	if (!type) throw new Error('an entity neither created nor on the server');
	// Views, not copies: the policy reads a few fields of the entity as it is and as it would be.
	const before = entityFacts(type);
	const after = g.fields.length > 0 ? entityFacts(type, g.fields) : before;
	for (const { field, value, set } of g.fields) {
		if (!set) deny(checkFieldRemoval(collection, field));
		else if (value !== NEW_TYPE) deny(checkFieldValue(collection, field, value));
		deny(whyNotSetField(actor, collection, before, field, value, after, orgs));
		changes.push({ collection, entityId, field, op: set ? 'update' : 'delete' });
	}
	judgeNestedLists(actor, g, before, after, orgs, changes);
}

/** `before` is the entity as the server holds it (null: created by this update), `owner` as it would be. */
function judgeNestedLists(
	actor: Actor,
	g: EntityGroup,
	before: EntityFacts | null,
	owner: EntityFacts,
	orgs: OrgDirectory,
	changes: Change[]
): void {
	if (g.lists === null) return;
	const { collection, entityId } = g.ref;
	for (const { field, list, adds, removals } of g.lists) {
		for (const { value: entry } of adds) {
			deny(checkNestedEntry(list, entry));
			deny(whyNot(actor, 'create', nestedEntryTarget(list.target, owner, entry, before), orgs));
		}
		if (adds.length > 1)
			deny(
				whyNotAddEntries(
					list.target,
					adds.map((a) => a.value)
				)
			);
		for (const { value: entry } of removals) {
			deny(whyNot(actor, 'delete', nestedEntryTarget(list.target, owner, entry), orgs));
		}
		if (adds.length > 0) changes.push({ collection, entityId, field, op: 'create' });
		if (removals.length > 0) changes.push({ collection, entityId, field, op: 'delete' });
	}
}

/**
 * One row per (entity, field, op); a value overwritten in place shows as the new value plus the
 * old one's removal, which is one update, not an update and a delete.
 */
function dedupe(changes: Change[]): Change[] {
	// The list is kept until the update is committed; a list grown by push reserves 17 slots.
	if (changes.length < 2) return changes.slice();
	const key = (c: Change): string => `${c.collection}\u0000${c.entityId}\u0000${c.field}`;
	const updated = new Set(changes.filter((c) => c.op === 'update').map(key));
	const seen = new Set<string>();
	return changes.filter((c) => {
		if (c.op === 'delete' && c.field !== null && updated.has(key(c))) return false;
		const k = `${key(c)}\u0000${c.op}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/**
 * The incident's own fields as the server holds them. Not doc.getMap: a room decoded from the
 * store has an untyped meta root, and typing it would put a new root object in place of the one
 * the update inspector knows, so its next update would be refused as touching an unknown root.
 */
function incidentFacts(doc: Y.Doc): EntityFacts {
	const meta = doc.share.get(ROOTS.meta);
	// entityFacts reads only the type's map entries, which an untyped root has as a Y.Map does.
	return meta === undefined ? NO_FACTS : entityFacts(meta as unknown as Y.Map<unknown>);
}

function exhaustive(x: never): never {
	throw new Error(`unexpected touch ${JSON.stringify(x)}`);
}
