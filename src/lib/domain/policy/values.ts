/**
 * The value checks of the incident schema (../schema.ts), by collection and field, phrased as
 * the sentence a refused sender reads ("tasks.title must not be empty"). The server guard asks
 * them about every value an incoming update writes; the checks themselves are the table's.
 */
import {
	INCIDENT_SCHEMA,
	REQUIRED_FIELDS,
	type EntityCollection,
	type EntriesCollection,
	type FieldSpec,
	type ListCollection,
	type SchemaNestedList,
	type RecordCollection,
	type RowsCollection
} from '../schema.ts';
import type { Check } from '../schema/checks.ts';

export { isLonLat } from '../schema/checks.ts';
export { isTownshipCode } from '../schema.ts';

type Lookup = ReadonlyMap<string, Check<unknown>>;

// Maps, built once: these run for every field of every update on the server's hot path, and a
// field name comes from the update (a plain object would answer "constructor").
const FIELD_CHECKS: ReadonlyMap<string, Lookup> = new Map(
	Object.entries(INCIDENT_SCHEMA).flatMap(([c, spec]) =>
		spec.kind === 'entities' ? [[c, checksOf(spec.fields)] as const] : []
	)
);

const RECORD_CHECKS: ReadonlyMap<string, Lookup> = new Map(
	Object.entries(INCIDENT_SCHEMA).flatMap(([c, spec]) =>
		spec.kind === 'record' ? [[c, new Map(Object.entries(spec.fields))] as const] : []
	)
);

function checksOf(fields: Readonly<Record<string, FieldSpec>>): Lookup {
	return new Map(Object.entries(fields).map(([name, f]) => [name, f.check]));
}

const REQUIRED_SETS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
	Object.entries(REQUIRED_FIELDS).map(([c, fs]) => [c, new Set<string>(fs)])
);

/** Whether `value` may be written to `field` of an entity of `collection` (a plain field, not a list). */
export function checkFieldValue(collection: EntityCollection, field: string, value: unknown): string | null {
	const check = FIELD_CHECKS.get(collection)?.get(field);
	if (!check) return `unknown field ${collection}.${field}`;
	const e = check(value);
	return e && `${collection}.${field} ${e}`;
}

/** Whether a new entity carries every field its collection requires (REQUIRED_FIELDS). */
export function checkRequiredFields(
	collection: EntityCollection,
	entity: Readonly<Record<string, unknown>>
): string | null {
	for (const field of REQUIRED_FIELDS[collection]) {
		if (entity[field] === undefined) return `${collection}.${field} is required`;
	}
	return null;
}

/** Whether a field may be removed from an existing entity: required fields stay. */
export function checkFieldRemoval(collection: EntityCollection, field: string): string | null {
	return REQUIRED_SETS.get(collection)?.has(field)
		? `${collection}.${field} is required and cannot be removed`
		: null;
}

/** An entry added to a nested list of an entity (a progress update). */
export function checkNestedEntry(list: SchemaNestedList, value: unknown): string | null {
	return list.entry(value);
}

/** A field of a record collection (the incident's own fields, `meta`). */
export function checkRecordValue(collection: RecordCollection, field: string, value: unknown): string | null {
	const check = RECORD_CHECKS.get(collection)?.get(field);
	if (!check) return `unknown ${INCIDENT_SCHEMA[collection].noun} ${collection}.${field}`;
	const e = check(value);
	return e && `${collection}.${field} ${e}`;
}

export function checkMetaValue(field: string, value: unknown): string | null {
	return checkRecordValue('meta', field, value);
}

/** The key a row of a rows collection is kept under (figures: a township code). */
export function checkRowKey(collection: RowsCollection, key: string): string | null {
	const spec = INCIDENT_SCHEMA[collection];
	return spec.key.test(key) ? null : `${spec.nouns} are kept per ${spec.key.noun}, not "${key}"`;
}

/** A cell of a row: a known column and a value its check accepts. */
export function checkCellValue(collection: RowsCollection, column: string, value: unknown): string | null {
	const spec = INCIDENT_SCHEMA[collection];
	if (!(spec.columns as readonly string[]).includes(column)) return `unknown ${spec.noun} ${column}`;
	const e = spec.value(value);
	return e && `${spec.noun} ${column} ${e}`;
}

export function isFigureKey(key: string): boolean {
	return (INCIDENT_SCHEMA.figures.columns as readonly string[]).includes(key);
}

export function checkFigureValue(key: string, value: unknown): string | null {
	return checkCellValue('figures', key, value);
}

/** A value of an entries collection (a position). */
export function checkEntryValue(collection: EntriesCollection, value: unknown): string | null {
	return INCIDENT_SCHEMA[collection].value(value);
}

export function checkPositionValue(v: unknown): string | null {
	return checkEntryValue('positions', v);
}

/** An entry of a list collection (a feed id on the wall). */
export function checkListEntry(collection: ListCollection, value: unknown): string | null {
	return INCIDENT_SCHEMA[collection].entry(value);
}

export function checkTaskUpdateValue(v: unknown): string | null {
	return INCIDENT_SCHEMA.tasks.lists.updates.entry(v);
}
