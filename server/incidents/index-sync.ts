/**
 * Keeps the incident index in step with each incident document's meta. The document is the
 * truth: a commander changes the level or closes an incident by editing meta (the guard decides
 * who may), and after that change is durable this hook copies meta into the index row.
 *
 * Only commits that touched meta are looked at: an observer on the meta map marks the document,
 * so the thousands of figure, task and map edits of a busy room cost one set lookup each. On
 * load the row is reconciled once, which also repairs a row left stale by a crash between the
 * document commit and the index write (they are separate transactions).
 */
import * as Y from 'yjs';
import { ROOTS } from '#domain/incident-doc';
import type { Logger } from '../log.ts';
import type { RoomHooks, RoomInfo } from '../rooms/hooks.ts';
import type { IncidentIndex } from './incident-index.ts';
import { readIndexedMeta } from './incident-meta.ts';

export function indexSyncHooks(index: IncidentIndex, log: Logger): RoomHooks {
	const metaChanged = new WeakSet<Y.Doc>();

	const sync = (room: RoomInfo): void => {
		const read = readIndexedMeta(room.doc);
		if (!read.ok) {
			// The guard checks meta values; an incomplete meta means a document written outside it
			// (or a half-opened incident). The index keeps its last good row.
			log.warn(
				{ room: room.name, reason: read.reason },
				'incident meta not indexable; index row left as it was'
			);
			return;
		}
		if (index.update(room.name, read.meta)) {
			log.info(
				{ room: room.name, status: read.meta.status, level: read.meta.level },
				'incident index updated'
			);
		}
	};

	return {
		name: 'incident-index',
		onLoaded({ room }) {
			if (!index.has(room.name)) return;
			room.doc.getMap(ROOTS.meta).observe(() => metaChanged.add(room.doc));
			if (room.doc.getMap(ROOTS.meta).size > 0) sync(room);
		},
		onCommitted({ room }) {
			if (!metaChanged.has(room.doc)) return;
			metaChanged.delete(room.doc);
			// Should the index write fail, the room's hook runner logs it; the next meta change or
			// load retries.
			sync(room);
		}
	};
}
