/**
 * The kinds of collection an incident document is made of, and what the schema (../schema.ts)
 * says about each: how it is stored, who writes it, what its values look like, who may edit
 * which field. Types only; the table is in ../schema.ts.
 */
import type { Role } from '../vocabulary.ts';
import type { Check } from './checks.ts';

/**
 * How a member stands to an entity, for who may edit which of its fields. `any`: whatever the
 * entity; `ownOrg`: the entity's ownerOrgId is the member's organisation; `creator`: its
 * createdBy is the member; `assigned`: a task's assignee is the member's organisation (field)
 * or one of their own teams (agency, township; policy/relations.ts isOwnTeam).
 */
export type Relation = 'any' | 'ownOrg' | 'creator' | 'assigned';

/**
 * Who may change a field of an existing entity: per role, the relations to the entity that let
 * them. A role not named may not. `set-once`: set when the entity is created, by its author,
 * never changed afterwards by anyone.
 */
export type EditRule = Readonly<Partial<Record<Role, readonly Relation[]>>> | 'set-once';

/** Who writes a collection: the members of an incident (as the policy allows), or the server only. */
export type Writers = 'members' | 'server';

export interface FieldSpec<T = unknown> {
	readonly check: Check<T>;
	/** Created with the entity and kept: the guard refuses an entity without it, and removing it. */
	readonly required: boolean;
	readonly edit: EditRule;
}

/** A list inside an entity that people append to concurrently (a Y.Array of plain entries). */
export interface NestedListSpec<T = unknown> {
	readonly kind: 'list';
	/** "progress thread": "a progress thread is a list", "a new task needs its progress thread". */
	readonly noun: string;
	readonly entry: Check<T>;
	/** Created with the entity, as an empty list, and never replaced or removed. */
	readonly required: boolean;
	/** The policy's name for an entry of this list (its Target collection). */
	readonly target: string;
}

export interface EntitiesSpec {
	readonly kind: 'entities';
	/** One entity, as sentences name it: "this task belongs to another organisation". */
	readonly noun: string;
	readonly writers: Writers;
	/** Its entities carry createdBy, ownerOrgId and createdAt (AUTHORED_FIELDS), checked against the author. */
	readonly authored: boolean;
	readonly fields: Readonly<Record<string, FieldSpec>>;
	readonly lists: Readonly<Record<string, NestedListSpec>>;
}

export interface RecordSpec {
	readonly kind: 'record';
	/** "incident field": "unknown incident field meta.x". */
	readonly noun: string;
	/** "incident fields": "incident fields hold plain values". */
	readonly nouns: string;
	readonly writers: Writers;
	readonly fields: Readonly<Record<string, Check<unknown>>>;
}

export interface RowsSpec {
	readonly kind: 'rows';
	/** "figure": "unknown figure x", "a figure row must be a map". */
	readonly noun: string;
	/** "figures": "figures are plain numbers". */
	readonly nouns: string;
	readonly writers: Writers;
	/** What a row is kept per: "figures are kept per township code, not …". */
	readonly key: { readonly noun: string; readonly test: (key: string) => boolean };
	readonly columns: readonly string[];
	readonly value: Check<number>;
}

export interface EntriesSpec<T = unknown> {
	readonly kind: 'entries';
	/** "positions": "positions hold plain values". */
	readonly nouns: string;
	readonly writers: Writers;
	readonly value: Check<T>;
}

export interface ListSpec<T = unknown> {
	readonly kind: 'list';
	/** "wall": "the wall is a list". */
	readonly noun: string;
	readonly writers: Writers;
	readonly entry: Check<T>;
}

export type CollectionSpec = EntitiesSpec | RecordSpec | RowsSpec | EntriesSpec | ListSpec;
