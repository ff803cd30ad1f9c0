/**
 * Keeps the incident index in step with each incident document's meta. The document is the
 * truth: a commander changes the level or closes an incident by editing meta (the guard decides
 * who may), and after that change is durable this hook copies meta into the index row.
 *
 * Only commits that touched meta are looked at: an observer on the meta map marks the document,
 * so the thousands of figure, task and map edits of a busy room cost one set lookup each. On
 * load the row is reconciled once, which also repairs a row left stale by a crash between the
 * document commit and the index write (they are separate transactions).
 *
 * The index is written asynchronously, and onLoaded cannot wait for its write: a room's index
 * writes are chained, so they land in the order the room made them, and a commit that touched
 * meta waits for its own (and so for any before it) before the room goes on.
 */
import * as Y from 'yjs';
import { ROOTS } from '#domain/incident-doc';
import type { Logger } from '../log.ts';
import type { RoomHooks, RoomInfo } from '../rooms/hooks.ts';
import type { IncidentIndex } from './incident-index.ts';
import { readIndexedMeta } from './incident-meta.ts';

export function indexSyncHooks(index: IncidentIndex, log: Logger): RoomHooks {
	const metaChanged = new WeakSet<Y.Doc>();
	/** Per document, its last index write (settled: a failure is logged where it happens). */
	const writes = new WeakMap<Y.Doc, Promise<void>>();

	const sync = async (room: RoomInfo): Promise<void> => {
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
		if (await index.update(room.name, read.meta)) {
			log.info(
				{ room: room.name, status: read.meta.status, level: read.meta.level },
				'incident index updated'
			);
		}
	};

	/** Runs `sync` after the document's previous index write; the returned promise rejects if it fails. */
	const chained = (room: RoomInfo): Promise<void> => {
		const next = (writes.get(room.doc) ?? Promise.resolve()).then(() => sync(room));
		writes.set(
			room.doc,
			next.catch(() => undefined)
		);
		return next;
	};

	return {
		name: 'incident-index',
		onLoaded({ room }) {
			// In memory: onLoaded runs inside the first synchronous read of the document.
			if (!index.has(room.name)) return;
			room.doc.getMap(ROOTS.meta).observe(() => metaChanged.add(room.doc));
			if (room.doc.getMap(ROOTS.meta).size > 0) {
				chained(room).catch((err: unknown) =>
					log.error(
						{ room: room.name, err },
						'incident index not reconciled at load; the next meta change retries'
					)
				);
			}
		},
		onCommitted({ room }) {
			// Not async: the commits that did not touch meta are not kept waiting for a promise.
			if (!metaChanged.has(room.doc)) return;
			metaChanged.delete(room.doc);
			// Should the index write fail, the room's hook runner logs it; the next meta change or
			// load retries.
			return chained(room);
		}
	};
}
