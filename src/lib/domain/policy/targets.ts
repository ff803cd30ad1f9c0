/**
 * The policy's targets for the places the server's guard resolves an update to, one function
 * per kind of root in the schema (schema.ts): which Target of policy.ts a figure row, a meta
 * field, a position or a progress update is. Each switch names every collection of its kind, so
 * a collection added to the schema does not compile until it has its target here.
 */
import type { TaskUpdate } from '../incident-doc.ts';
import type { EntityFacts, Target } from '../policy.ts';
import type {
	EntriesCollection,
	ListCollection,
	NestedListTarget,
	RecordCollection,
	RowsCollection
} from '../schema.ts';

/** An entry added to or removed from a nested list of `owner` (`before`: as the server holds it; null: new). */
export function nestedEntryTarget(
	list: NestedListTarget,
	owner: EntityFacts,
	entry: unknown,
	before?: EntityFacts | null
): Target {
	switch (list) {
		case 'taskUpdates':
			return { collection: 'taskUpdates', task: owner, entry: entry as Partial<TaskUpdate> | null, before };
	}
}

/** A field of a record collection (the incident's own fields). */
export function recordTarget(collection: RecordCollection): Target {
	switch (collection) {
		case 'meta':
			return { collection: 'meta' };
	}
}

/** A row of a rows collection, or a cell of it (a township's figures). */
export function rowTarget(collection: RowsCollection, key: string): Target {
	switch (collection) {
		case 'figures':
			return { collection: 'figures', township: key };
	}
}

/** The value at `key` of an entries collection; `entry` is the value written (null: removed). */
export function entryTarget(collection: EntriesCollection, key: string, entry: unknown): Target {
	switch (collection) {
		case 'positions':
			return { collection: 'positions', userId: key, entry: entry as { orgId?: unknown } | null };
		case 'feedHealth':
			return { collection: 'feedHealth' };
	}
}

/** An entry of a list collection (the video wall). */
export function listTarget(collection: ListCollection): Target {
	switch (collection) {
		case 'wall':
			return { collection: 'wall' };
	}
}
