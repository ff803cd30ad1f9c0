/**
 * What a change the server made for a user did, read from its Yjs transaction: the attribution
 * rows of opening an incident through REST or of the demo's seed. Such a change is not judged
 * (the REST route authorised it) but is recorded like any client's, in the same row shapes that
 * evaluate.ts gives client updates (a created entity is one 'create' row; a field set or removed
 * one 'update' or 'delete' row; a task's progress thread one 'updates' row per direction).
 */
import * as Y from 'yjs';
import { specOf, type CollectionSpec, type RootName } from '#domain/schema';
import type { Change } from './evaluate.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Yjs type, as Yjs itself types them
type YType = Y.AbstractType<any>;

/**
 * The roots whose changes are a person's, with their schema entry. Collections only the server
 * writes (feed health) are its own bookkeeping, never a person's change.
 */
function attributed(root: RootName | undefined): CollectionSpec | undefined {
	if (root === undefined) return undefined;
	const spec = specOf(root);
	return spec?.writers === 'members' ? spec : undefined;
}

export function describeTransaction(tr: Y.Transaction): Change[] {
	const rootNames = new Map<YType, RootName>();
	for (const [name, type] of tr.doc.share) rootNames.set(type, name as RootName);
	// Made in this transaction: its fields and contents are part of its creation.
	const isNew = (item: Y.Item | null): boolean =>
		item !== null && item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
	const changes: Change[] = [];

	for (const [type, keys] of tr.changed) {
		const root = rootNames.get(type);
		if (root !== undefined) {
			describeRoot(root, type, keys, isNew, changes);
			continue;
		}
		const item = type._item;
		if (item === null || isNew(item)) continue;
		const parent = item.parent as YType;
		const parentRoot = rootNames.get(parent);
		const parentSpec = attributed(parentRoot);
		if (parentSpec !== undefined && item.parentSub !== null && type instanceof Y.Map) {
			// An entity's fields, or a row's cells (a township's figures).
			if (parentSpec.kind !== 'entities' && parentSpec.kind !== 'rows') continue;
			const collection = parentRoot!;
			for (const key of keys) {
				if (key === null) continue;
				changes.push({
					collection,
					entityId: item.parentSub,
					field: key,
					op: type.has(key) ? 'update' : 'delete'
				});
			}
			continue;
		}
		// A list inside an entity (a task's progress thread).
		const entityItem = (parent as YType)._item;
		if (type instanceof Y.Array && entityItem && item.parentSub !== null && !isNew(entityItem)) {
			const entityRoot = rootNames.get(entityItem.parent as YType);
			if (attributed(entityRoot)?.kind !== 'entities' || entityItem.parentSub === null) continue;
			let added = false;
			let removed = false;
			for (let i = type._start; i !== null; i = i.right) {
				if (isNew(i)) added = true;
				else if (i.deleted && Y.isDeleted(tr.deleteSet, i.id)) removed = true;
			}
			const base = { collection: entityRoot!, entityId: entityItem.parentSub, field: item.parentSub };
			if (added) changes.push({ ...base, op: 'create' });
			if (removed) changes.push({ ...base, op: 'delete' });
		}
	}
	return changes;
}

function describeRoot(
	root: RootName,
	type: YType,
	keys: Set<string | null>,
	isNew: (item: Y.Item | null) => boolean,
	changes: Change[]
): void {
	const spec = attributed(root);
	if (spec === undefined) return;
	if (spec.kind === 'list') {
		changes.push({ collection: root, entityId: null, field: null, op: 'update' });
		return;
	}
	if (!(type instanceof Y.Map)) return;
	for (const key of keys) {
		if (key === null) continue;
		const present = type.has(key);
		switch (spec.kind) {
			case 'record':
				changes.push({ collection: root, entityId: null, field: key, op: present ? 'update' : 'delete' });
				break;
			case 'entries':
				changes.push({ collection: root, entityId: key, field: null, op: present ? 'update' : 'delete' });
				break;
			case 'entities':
			case 'rows': {
				const op = !present ? 'delete' : isNew(type._map.get(key) ?? null) ? 'create' : 'update';
				changes.push({ collection: root, entityId: key, field: null, op });
				break;
			}
		}
	}
}
