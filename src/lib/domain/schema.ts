/**
 * The incident document's schema: one table saying, per root collection of an incident's Yjs
 * document, what it holds, each field's value check, who may edit it, whether it is required,
 * and the nested kinds (a task's progress thread). Everything else that knows the document's
 * shape is derived from this table: the TypeScript types (incident-doc.ts), the value checks
 * (policy/values.ts), who may edit which field (policy/edit-rights.ts) and the server guard's
 * shape lookups (server/guard/inspect-update.ts, evaluate.ts, describe-transaction.ts).
 *
 * Every collection is a root of the document. Its kind says how it is stored:
 *   entities  a Y.Map keyed by entity id, each entity a Y.Map of fields (plain values), and of
 *             nested lists (`lists`, each a Y.Array of plain entries people append to)
 *   record    a Y.Map of named plain fields (the incident itself)
 *   rows      a Y.Map keyed by a code, each row a Y.Map of numbers (figures per township)
 *   entries   a Y.Map keyed by an id, each value one plain object (a user's position)
 *   list      a Y.Array of plain values (the video wall's feed ids, in order)
 *
 * Field values are plain JSON, replaced whole, never merged character by character: a
 * concurrent edit to one field resolves last-writer-wins while edits to different fields of one
 * entity both survive. That keeps every change addressable as (collection, entity, field), which
 * is what the guard resolves each incoming update to.
 *
 * The nouns are the words refusals are phrased with ("unknown figure x", "a progress thread is
 * a list"); senders are shown them, so they are part of the table.
 */
import {
	count,
	feedUrl,
	geometry,
	id,
	idList,
	lonLat,
	MAX_LABEL,
	MAX_TEXT,
	nonBlank,
	nullable,
	oneOf,
	reworded,
	shape,
	text,
	timestamp,
	type Accepted,
	type Check
} from './schema/checks.ts';
import {
	ANNOTATION_KINDS,
	FEED_HEALTH,
	FEED_KINDS,
	FIGURE_KEYS,
	INCIDENT_STATUSES,
	INCIDENT_TYPES,
	LOG_KINDS,
	REPORT_KINDS,
	RESPONSE_LEVELS,
	SEVERITIES,
	TASK_PRIORITIES,
	TASK_STATUSES,
	WARNING_KINDS,
	WARNING_LEVELS,
	WARNING_STATUSES
} from './vocabulary.ts';
import type { CollectionSpec, EditRule, FieldSpec } from './schema/kinds.ts';

export type * from './schema/kinds.ts';

/** Who may edit the content of an entity: commanders, and the organisation that owns it. */
const CONTENT = { commander: ['any'], agency: ['ownOrg'], township: ['ownOrg'] } as const;
/** Annotations: a field team member also edits what they created (their observation points). */
const CONTENT_OR_OWN_OBSERVATION = { ...CONTENT, field: ['creator'] } as const;
/** Field reports: like annotations, a field team member edits the reports they made. */
const CONTENT_OR_OWN_REPORT = { ...CONTENT, field: ['creator'] } as const;
/** Where a task's work stands: also the assignee side (who works on it and reports on it). */
const WORKFLOW = {
	commander: ['any'],
	agency: ['ownOrg', 'assigned'],
	township: ['ownOrg', 'assigned'],
	field: ['assigned']
} as const;
/** Who owns an entity changes only by a commander. */
const OWNERSHIP = { commander: ['any'] } as const;
/** No member: the server writes the collection. */
const NOBODY = {} as const;

const required = <T>(check: Check<T>, edit: EditRule) => ({ check, required: true, edit }) as const;
const optional = <T>(check: Check<T>, edit: EditRule) => ({ check, required: false, edit }) as const;

/** Who made an entity: the guard checks these against the sender when it is created. */
export const AUTHORED_FIELDS = {
	createdBy: required(id, 'set-once'),
	ownerOrgId: required(id, OWNERSHIP),
	/** Client clock, for display only; the server's log keeps the authoritative time. */
	createdAt: required(timestamp, 'set-once')
} as const;

/** Township codes are 9-digit division codes (e.g. 510812100). */
export function isTownshipCode(v: string): boolean {
	return /^\d{9}$/.test(v);
}

/**
 * An incident's affected townships: the board has a row for each, and the incident list is
 * filtered by them, so at least one, each a township code, none twice (the forms keep the same
 * rules).
 */
const affectedTownships: Check<string[]> = (v) => {
	if (!Array.isArray(v) || v.length === 0) return 'must list at least one affected township';
	if (v.length > 1_000 || !v.every((c) => typeof c === 'string' && isTownshipCode(c)))
		return 'must list township codes (9 digits)';
	return new Set(v).size === v.length ? null : 'must not name a township twice';
};

const progressUpdate = shape({
	noun: 'progress update',
	required: { id, by: id, orgId: id, at: timestamp, text: text(MAX_TEXT) },
	optional: {
		status: oneOf(TASK_STATUSES),
		position: lonLat,
		/**
		 * A photo as a reference (an attachment id, see src/lib/domain/api/photos.ts); photos are
		 * not kept in the document.
		 */
		photo: text(2048)
	},
	unknownKey: (k) => `progress update has unknown field ${k}`
});

const position = shape({
	noun: 'position',
	required: { lonLat, orgId: id, at: timestamp },
	optional: {},
	unknownKey: () => 'a position has unknown fields'
});

const feedHealthState = shape({
	noun: 'feed health state',
	required: { state: oneOf(FEED_HEALTH), checkedAt: timestamp, detail: text(MAX_TEXT) },
	optional: {},
	unknownKey: (k) => `feed health state has unknown field ${k}`
});

/** The incident document, root by root. Adding a collection is one entry here plus its policy rules. */
export const INCIDENT_SCHEMA = {
	meta: {
		kind: 'record',
		noun: 'incident field',
		nouns: 'incident fields',
		writers: 'members',
		fields: {
			id,
			name: nonBlank(MAX_LABEL),
			type: oneOf(INCIDENT_TYPES),
			severity: oneOf(SEVERITIES),
			level: oneOf(RESPONSE_LEVELS),
			status: oneOf(INCIDENT_STATUSES),
			townships: affectedTownships,
			location: nullable(lonLat),
			occurredAt: timestamp
		}
	},
	figures: {
		kind: 'rows',
		noun: 'figure',
		nouns: 'figures',
		writers: 'members',
		key: { noun: 'township code', test: isTownshipCode },
		columns: FIGURE_KEYS,
		value: count
	},
	log: {
		kind: 'entities',
		noun: 'log entry',
		writers: 'members',
		authored: true,
		fields: {
			kind: required(oneOf(LOG_KINDS), CONTENT),
			text: required(nonBlank(MAX_TEXT), CONTENT),
			...AUTHORED_FIELDS
		},
		lists: {}
	},
	annotations: {
		kind: 'entities',
		noun: 'annotation',
		writers: 'members',
		authored: true,
		fields: {
			kind: required(oneOf(ANNOTATION_KINDS), CONTENT_OR_OWN_OBSERVATION),
			label: optional(text(MAX_LABEL), CONTENT_OR_OWN_OBSERVATION),
			note: optional(text(MAX_TEXT), CONTENT_OR_OWN_OBSERVATION),
			geometry: required(geometry, CONTENT_OR_OWN_OBSERVATION),
			taskIds: optional(idList, CONTENT_OR_OWN_OBSERVATION),
			feedIds: optional(idList, CONTENT_OR_OWN_OBSERVATION),
			...AUTHORED_FIELDS
		},
		lists: {}
	},
	tasks: {
		kind: 'entities',
		noun: 'task',
		writers: 'members',
		authored: true,
		fields: {
			title: required(nonBlank(MAX_LABEL), CONTENT),
			description: optional(text(MAX_TEXT), CONTENT),
			assigneeOrgId: required(id, CONTENT),
			township: optional(nullable(id), CONTENT),
			priority: required(oneOf(TASK_PRIORITIES), CONTENT),
			dueAt: optional(nullable(timestamp), CONTENT),
			location: optional(nullable(lonLat), CONTENT),
			status: required(oneOf(TASK_STATUSES), WORKFLOW),
			/** Needed only while the task is 受阻/已取消 (policy.ts whyNotTaskReason). */
			statusReason: optional(text(MAX_TEXT), WORKFLOW),
			...AUTHORED_FIELDS
		},
		lists: {
			updates: {
				kind: 'list',
				noun: 'progress thread',
				entry: progressUpdate,
				required: true,
				target: 'taskUpdates'
			}
		}
	},
	feeds: {
		kind: 'entities',
		noun: 'feed',
		writers: 'members',
		authored: true,
		fields: {
			name: required(nonBlank(MAX_LABEL), CONTENT),
			kind: required(oneOf(FEED_KINDS), CONTENT),
			url: required(feedUrl, CONTENT),
			position: optional(nullable(lonLat), CONTENT),
			...AUTHORED_FIELDS
		},
		lists: {}
	},
	/**
	 * 现场报告: what someone in the field saw, without a task (an information officer's report):
	 * its kind, a note, where, and a photo (an attachment id; the file is in the attachment store).
	 */
	reports: {
		kind: 'entities',
		noun: 'field report',
		writers: 'members',
		authored: true,
		fields: {
			kind: required(oneOf(REPORT_KINDS), CONTENT_OR_OWN_REPORT),
			note: optional(text(MAX_TEXT), CONTENT_OR_OWN_REPORT),
			position: optional(nullable(lonLat), CONTENT_OR_OWN_REPORT),
			photo: optional(nullable(text(2048)), CONTENT_OR_OWN_REPORT),
			...AUTHORED_FIELDS
		},
		lists: {}
	},
	feedHealth: {
		kind: 'entries',
		nouns: 'feed health states',
		writers: 'server',
		value: feedHealthState
	},
	positions: {
		kind: 'entries',
		nouns: 'positions',
		writers: 'members',
		value: position
	},
	wall: {
		kind: 'list',
		noun: 'wall',
		writers: 'members',
		entry: reworded(id, 'the wall lists feed ids')
	},
	/**
	 * The warnings issued for the incident, mirrored in by the server from where they are issued
	 * and kept current (acknowledgements), so the room shows them live: read-only in the room.
	 */
	warnings: {
		kind: 'entities',
		noun: 'warning',
		writers: 'server',
		authored: false,
		fields: {
			title: required(nonBlank(MAX_LABEL), NOBODY),
			/** Null for an order (指令), which has no colour level. */
			level: optional(nullable(oneOf(WARNING_LEVELS)), NOBODY),
			kind: required(oneOf(WARNING_KINDS), NOBODY),
			issuedAt: required(timestamp, NOBODY),
			expiresAt: optional(nullable(timestamp), NOBODY),
			status: required(oneOf(WARNING_STATUSES), NOBODY),
			/** How many people or organisations it was sent to, and how many acknowledged it. */
			targetCount: required(count, NOBODY),
			acknowledgedCount: required(count, NOBODY)
		},
		lists: {}
	}
} as const satisfies Readonly<Record<string, CollectionSpec>>;

export type IncidentSchema = typeof INCIDENT_SCHEMA;
export type RootName = keyof IncidentSchema;

type RootsOfKind<K extends CollectionSpec['kind']> = {
	[R in RootName]: IncidentSchema[R]['kind'] extends K ? R : never;
}[RootName];

export type EntityCollection = RootsOfKind<'entities'>;
export type RecordCollection = RootsOfKind<'record'>;
export type RowsCollection = RootsOfKind<'rows'>;
export type EntriesCollection = RootsOfKind<'entries'>;
export type ListCollection = RootsOfKind<'list'>;

/** Collections only the server writes (feed health): every client write to them is refused. */
export type ServerWrittenCollection = {
	[R in RootName]: IncidentSchema[R]['writers'] extends 'server' ? R : never;
}[RootName];

/** A field's name in an entity collection, nested lists included. */
export type FieldName<C extends EntityCollection> =
	(keyof IncidentSchema[C]['fields'] & string) | (keyof IncidentSchema[C]['lists'] & string);

/** A nested list of an entity collection, as the table has it (its `target` a literal). */
export type SchemaNestedList = {
	[C in EntityCollection]: IncidentSchema[C]['lists'][keyof IncidentSchema[C]['lists']];
}[EntityCollection];

/** The policy's names of the nested lists' entries (a task's progress updates: `taskUpdates`). */
export type NestedListTarget = SchemaNestedList['target'];

// --- the types of what is stored, inferred from the table --------------------------------

type ValuesOf<F extends Readonly<Record<string, FieldSpec>>> = {
	-readonly [K in keyof F]: Accepted<F[K]['check']>;
};

/** An entity's plain fields (not its nested lists) as the app writes them: all present. */
export type EntityOf<C extends EntityCollection> = ValuesOf<IncidentSchema[C]['fields']>;

/** An entry of a nested list of an entity collection. */
export type NestedEntryOf<C extends EntityCollection, L extends keyof IncidentSchema[C]['lists']> = Accepted<
	IncidentSchema[C]['lists'][L] extends { entry: infer E } ? E : never
>;

export type RecordOf<C extends RecordCollection> = {
	-readonly [K in keyof IncidentSchema[C]['fields']]: Accepted<IncidentSchema[C]['fields'][K]>;
};

/** One row: some of the columns, each a number. */
export type RowOf<C extends RowsCollection> = Partial<
	Record<IncidentSchema[C]['columns'][number], Accepted<IncidentSchema[C]['value']>>
>;

export type EntryOf<C extends EntriesCollection> = Accepted<IncidentSchema[C]['value']>;

export type ListEntryOf<C extends ListCollection> = Accepted<IncidentSchema[C]['entry']>;

export type AuthoredOf = ValuesOf<typeof AUTHORED_FIELDS>;

// --- lookups derived once, for the guard's hot path ---------------------------------------

/** The root names of an incident document. Anything else at the root is refused by the guard. */
export const ROOTS = Object.freeze(Object.fromEntries(Object.keys(INCIDENT_SCHEMA).map((r) => [r, r]))) as {
	readonly [R in RootName]: R;
};

const SPECS: ReadonlyMap<string, CollectionSpec> = new Map(Object.entries(INCIDENT_SCHEMA));

/** The spec of a root, or undefined for a name that is none (from an update: anything). */
export function specOf(root: string): CollectionSpec | undefined {
	return SPECS.get(root);
}

export function isEntityCollection(root: string): root is EntityCollection {
	return SPECS.get(root)?.kind === 'entities';
}

export function writtenByServer(root: string): root is ServerWrittenCollection {
	return SPECS.get(root)?.writers === 'server';
}

export const ENTITY_COLLECTIONS = Object.keys(INCIDENT_SCHEMA).filter(isEntityCollection);

/** An entity's nested lists by field name; null when it has none (most collections). */
const NESTED_LISTS: ReadonlyMap<string, ReadonlyMap<string, SchemaNestedList> | null> = new Map(
	ENTITY_COLLECTIONS.map((c) => {
		const lists = Object.entries(INCIDENT_SCHEMA[c].lists as Readonly<Record<string, SchemaNestedList>>);
		return [c, lists.length === 0 ? null : new Map(lists)];
	})
);

/** The nested list at `field` of an entity of `collection`, or undefined if the field is a plain one. */
export function nestedListOf(collection: EntityCollection, field: string): SchemaNestedList | undefined {
	return NESTED_LISTS.get(collection)?.get(field) ?? undefined;
}

/** The nested lists of an entity of `collection`, by field name, or null if it has none. */
export function nestedListsOf(collection: EntityCollection): ReadonlyMap<string, SchemaNestedList> | null {
	return NESTED_LISTS.get(collection) ?? null;
}

/** Field names per entity collection, nested lists included. The guard refuses any other field. */
export const FIELDS = Object.fromEntries(
	ENTITY_COLLECTIONS.map((c) => [
		c,
		[...Object.keys(INCIDENT_SCHEMA[c].fields), ...Object.keys(INCIDENT_SCHEMA[c].lists)]
	])
) as unknown as { readonly [C in EntityCollection]: readonly FieldName<C>[] };

/**
 * The plain fields an entity cannot do without, per collection: what the views need to show it
 * at all (an annotation without a kind or geometry is not drawn; a task without a title,
 * assignee, priority or status cannot be listed) and who made it. The guard refuses creating an
 * entity without them and removing one later; the forms in the UI always fill them. The other
 * fields may be absent, empty or null. Required nested lists (a task's progress thread) are
 * their specs' `required`.
 */
export const REQUIRED_FIELDS = Object.fromEntries(
	ENTITY_COLLECTIONS.map((c) => [
		c,
		Object.entries(INCIDENT_SCHEMA[c].fields as Readonly<Record<string, FieldSpec>>)
			.filter(([, f]) => f.required)
			.map(([name]) => name)
	])
) as unknown as { readonly [C in EntityCollection]: readonly (keyof IncidentSchema[C]['fields'] & string)[] };
