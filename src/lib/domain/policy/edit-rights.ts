/**
 * Who may change which field of an existing entity, worked out once from the schema's edit rules
 * (schema.ts, each field's `edit`): per collection and role, the fields each relation to the
 * entity lets them change. The policy asks it for every field of every update on the server's
 * hot path, so the sets are built here once and only the relations are tested per call.
 */
import type { Actor, OrgDirectory } from '../actor.ts';
import type { EntityFacts } from '../policy.ts';
import { INCIDENT_SCHEMA, type EntitiesSpec, type EntityCollection, type Relation } from '../schema.ts';
import { ROLES, type Role } from '../vocabulary.ts';
import { holds } from './relations.ts';

const NONE: ReadonlySet<string> = new Set();

const RELATION_BITS: Readonly<Record<Relation, number>> = { any: 1, ownOrg: 2, creator: 4, assigned: 8 };
/** Every combination of the relations besides `any`. */
const RELATION_MASKS = 16;

/** What the edit rules of one collection give one role. */
interface RoleEdits {
	/** The relations (besides `any`) that let this role edit some field, in the order tried. */
	readonly relations: readonly Relation[];
	/** Each field this role may edit, with the relations that let it (a bit mask). */
	readonly grants: ReadonlyMap<string, number>;
	/** The editable fields for each combination of relations that hold (indexed by their mask). */
	readonly sets: readonly ReadonlySet<string>[];
	/** Everything this role edits in some relation. */
	readonly all: number;
}

function roleEdits(spec: EntitiesSpec, role: Role): RoleEdits | null {
	const grants = new Map<string, number>();
	const relations = new Set<Relation>();
	for (const [field, f] of Object.entries(spec.fields)) {
		if (f.edit === 'set-once') continue;
		const granted = f.edit[role];
		if (!granted || granted.length === 0) continue;
		let mask = 0;
		for (const r of granted) {
			mask |= RELATION_BITS[r];
			if (r !== 'any') relations.add(r);
		}
		grants.set(field, mask);
	}
	if (grants.size === 0) return null;
	const sets: ReadonlySet<string>[] = [];
	for (let held = 0; held < RELATION_MASKS; held++) {
		const mask = held | RELATION_BITS.any;
		sets.push(new Set([...grants].filter(([, g]) => (g & mask) !== 0).map(([field]) => field)));
	}
	return { relations: [...relations], grants, sets, all: grants.size };
}

const EDITS: ReadonlyMap<string, Partial<Record<Role, RoleEdits>>> = new Map(
	Object.entries(INCIDENT_SCHEMA).flatMap(([collection, spec]) => {
		if (spec.kind !== 'entities') return [];
		const byRole: Partial<Record<Role, RoleEdits>> = {};
		for (const role of ROLES) {
			const edits = roleEdits(spec, role);
			if (edits) byRole[role] = edits;
		}
		return [[collection, byRole] as const];
	})
);

/** Fields set once when an entity is created, by its author, and never changed (who made it). */
const SET_ONCE: ReadonlyMap<string, ReadonlySet<string>> = new Map(
	Object.entries(INCIDENT_SCHEMA).flatMap(([collection, spec]) => {
		if (spec.kind !== 'entities') return [];
		const fields = Object.entries(spec.fields as EntitiesSpec['fields']);
		return [
			[collection, new Set(fields.filter(([, f]) => f.edit === 'set-once').map(([name]) => name))] as const
		];
	})
);

export function isSetOnce(collection: EntityCollection, field: string): boolean {
	return SET_ONCE.get(collection)?.has(field) ?? false;
}

/**
 * The fields of an existing entity the actor may change. Value-dependent limits (status
 * transitions, whom a task may be assigned to) are checked by policy.ts `whyNotSetField`.
 */
export function editableFields(
	actor: Actor,
	collection: EntityCollection,
	entity: EntityFacts,
	orgs: OrgDirectory
): ReadonlySet<string> {
	const edits = EDITS.get(collection)?.[actor.role];
	if (!edits) return NONE;
	let mask = 0;
	for (const relation of edits.relations) {
		// Once every field this role ever edits is in, no further relation adds one (or costs a lookup).
		if (edits.sets[mask]!.size === edits.all) break;
		if (holds(relation, actor, entity, orgs)) mask |= RELATION_BITS[relation];
	}
	return edits.sets[mask]!;
}

/** Whether the actor may change `field` of the entity: editableFields(…).has(field), without the set. */
export function mayEditField(
	actor: Actor,
	collection: EntityCollection,
	entity: EntityFacts,
	field: string,
	orgs: OrgDirectory
): boolean {
	const edits = EDITS.get(collection)?.[actor.role];
	const grants = edits?.grants.get(field);
	if (edits === undefined || grants === undefined) return false;
	if ((grants & RELATION_BITS.any) !== 0) return true;
	for (const relation of edits.relations) {
		if ((grants & RELATION_BITS[relation]) !== 0 && holds(relation, actor, entity, orgs)) return true;
	}
	return false;
}
