/**
 * Drives a real Room (the realtime core's pipeline with the SQLite store) with in-process peers
 * that behave like clients: each user has a Y.Doc, sends its changes as y-protocols update
 * frames, applies what the room broadcasts, and on a refusal drops its document and resyncs
 * from the server, as the app's provider does. The guard is the room's first hook; a test may add
 * its own after it.
 */
import fs from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { Actor } from '../../src/lib/domain/actor.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { MessageType, SyncType, type CloseReason } from '../../src/lib/domain/protocol.ts';
import {
	SqliteAttributionStore,
	attributionMigrations
} from '../../server/guard/sqlite/attribution-store.ts';
import { clientOwnerMigrations, SqliteClientOwnerStore } from '../../server/guard/sqlite/client-owners.ts';
import {
	refusalLogCompanion,
	refusalMigrations,
	SqliteRefusalStore
} from '../../server/guard/sqlite/refusal-store.ts';
import { createGuard, type GuardOptions } from '../../server/guard/guard.ts';
import { silentLogger } from '../../server/log.ts';
import type { RoomHooks } from '../../server/rooms/hooks.ts';
import type { Peer } from '../../server/rooms/peer.ts';
import { syncFrame } from '../../src/lib/domain/protocol.ts';
import type { FrameResult } from '../../server/rooms/frame-result.ts';
import { Room } from '../../server/rooms/room.ts';
import { openDatabase, type SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { docLogMigrations } from '../../server/store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../../server/store/sqlite/sqlite-doc-store.ts';
import { tempDataDir } from '../helpers/server.ts';
import { capture, identityOf, orgs } from './fixtures.ts';

let nextPeer = 0;

export class TestClient implements Peer {
	readonly id = `test-peer-${++nextPeer}`;
	readonly transport = 'internal' as const;
	readonly identity;
	doc = new Y.Doc();
	refusals: Array<{ reason: string; message: string }> = [];
	/** Updates broadcast to this client by the room. */
	received: Uint8Array[] = [];
	closed: CloseReason | null = null;
	awareness: Uint8Array[] = [];

	constructor(
		readonly actor: Actor | null,
		private readonly room: () => Room
	) {
		this.identity = actor ? identityOf(actor) : null;
	}

	get incident(): IncidentDoc {
		return new IncidentDoc(this.doc);
	}

	send(frame: Uint8Array): void {
		const d = decoding.createDecoder(frame);
		const type = decoding.readVarUint(d);
		if (type === MessageType.awareness) {
			this.awareness.push(decoding.readVarUint8Array(d));
			return;
		}
		const sub = decoding.readVarUint(d);
		const payload = decoding.readVarUint8Array(d);
		if (sub === SyncType.update) this.received.push(payload);
		if (sub !== SyncType.step1) Y.applyUpdate(this.doc, payload, 'server');
	}

	refuse(reason: CloseReason, message: string): void {
		this.refusals.push({ reason: reason.reason, message });
		// What the app's provider does: drop the local document and take the server's state.
		this.doc.destroy();
		this.doc = new Y.Doc();
		Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(this.room().doc), 'server');
	}

	close(reason: CloseReason): void {
		this.closed = reason;
	}

	/** Makes a change locally and sends it; resolves with the room's answer once durable or refused. */
	change(fn: (d: IncidentDoc) => void): Promise<FrameResult> {
		const u = capture(this.doc, () => fn(this.incident));
		return this.sendUpdate(u);
	}

	sendUpdate(u: Uint8Array): Promise<FrameResult> {
		return new Promise((resolve) => this.room().receive(this, syncFrame(SyncType.update, u), resolve));
	}
}

export interface Harness {
	room: Room;
	store: SqliteDocStore;
	db: SqliteDatabase;
	attribution: SqliteAttributionStore;
	/** The refusal records (accept and compensate), written with the update log. */
	refusals: SqliteRefusalStore;
	/** Joins a client for `actor` and syncs it with the room. */
	join(actor: Actor | null): Promise<TestClient>;
	/** Closes the room and store and opens them again on the same files. */
	restart(): Promise<void>;
	dispose(): Promise<void>;
}

/** A room `roomName` with the guard and then `hooks`, on a fresh SQLite file. */
export async function startHarness(
	roomName = 'incident-1',
	guardOptions: Partial<Pick<GuardOptions, 'clientIdLimits'>> = {},
	hooks: readonly RoomHooks[] = []
): Promise<Harness> {
	const dir = tempDataDir('sitroom-guard-');
	let db!: SqliteDatabase;
	let store!: SqliteDocStore;
	let attribution!: SqliteAttributionStore;
	let refusals!: SqliteRefusalStore;
	let clientOwners!: SqliteClientOwnerStore;
	let room!: Room;
	const open = async (): Promise<void> => {
		db = openDatabase({
			file: `${dir}/sitroom.db`,
			migrations: [
				...docLogMigrations,
				...attributionMigrations,
				...clientOwnerMigrations,
				...refusalMigrations
			]
		});
		store = new SqliteDocStore(db, { companions: [refusalLogCompanion] });
		refusals = new SqliteRefusalStore(db);
		// As in the server: rows on a connection of their own to the same file.
		attribution = new SqliteAttributionStore(db, { file: `${dir}/sitroom.db` });
		clientOwners = new SqliteClientOwnerStore(db, { file: `${dir}/sitroom.db` });
		const guard = createGuard({ orgs, attribution, clientOwners, log: silentLogger(), ...guardOptions });
		room = new Room(
			roomName,
			store,
			[guard, ...hooks],
			{ maxMessageBytes: 10 << 20, maxAwarenessStateBytes: 16384, snapshotEvery: 1000 },
			silentLogger()
		);
		await room.loaded;
	};
	const close = async (): Promise<void> => {
		await room.close();
		attribution.close();
		clientOwners.close();
		await store.close();
		db.close();
	};
	await open();
	const h: Harness = {
		get room() {
			return room;
		},
		get store() {
			return store;
		},
		get refusals() {
			return refusals;
		},
		get db() {
			return db;
		},
		get attribution() {
			return attribution;
		},
		async join(actor) {
			const c = new TestClient(actor, () => room);
			await room.join(c);
			// The room sent step1; answer with our (empty) state, and take the room's.
			Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(room.doc), 'server');
			return c;
		},
		async restart() {
			await close();
			await open();
		},
		async dispose() {
			await close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
	return h;
}
