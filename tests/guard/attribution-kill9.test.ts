/**
 * Attribution is as durable as the update it describes: a change acknowledged as saved in an
 * incident room keeps its author in the audit view even when the server is killed with -9 right
 * after the acknowledgement (the real server as a child process, restarted on the same files).
 */
import fs from 'node:fs';
import { io as ioClient } from 'socket.io-client';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FigureKey } from '../../src/lib/domain/vocabulary.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { SyncProvider, type AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import { loginAt } from '../helpers/auth.ts';
import {
	killAllChildServers,
	startChildServer,
	type ChildExit,
	type ChildServer
} from '../helpers/child-server.ts';
import { eventually } from '../helpers/clients.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';
const CHAOTIAN = '510812100';

interface AuditChange {
	seq: number;
	userId: string | null;
	userName: string | null;
	orgId: string | null;
	field: string | null;
	op: string;
}

async function auditOfFigures(server: { url: string }): Promise<AuditChange[]> {
	const s = await loginAt(server.url, 'commander');
	const res = await fetch(`${server.url}/api/incidents/${ROOM}/audit?collection=figures&entity=${CHAOTIAN}`, {
		headers: { cookie: s.cookie }
	});
	expect(res.status).toBe(200);
	return ((await res.json()) as { changes: AuditChange[] }).changes;
}

/**
 * Signs in as the Chaotian township, sets one of its figures and sends SIGKILL to the server in
 * the same tick as the acknowledgement reaches the client (the UI's "saved").
 */
async function editThenKill(server: ChildServer, key: FigureKey, value: number): Promise<ChildExit> {
	const killed: { exit?: Promise<ChildExit> } = {};
	await editAsChaotian(server.url, key, value, () => {
		killed.exit = server.kill();
	});
	return await killed.exit!;
}

/** Sets one of Chaotian's figures as its township; `onSaved` runs in the tick the ack arrives. */
async function editAsChaotian(
	url: string,
	key: FigureKey,
	value: number,
	onSaved: () => void
): Promise<void> {
	const session = await loginAt(url, 'chaotian');
	const socket: AppSocket = ioClient(url, {
		transports: ['websocket'],
		extraHeaders: { cookie: session.cookie, origin: url },
		reconnection: false,
		forceNew: true
	});
	const doc = new Y.Doc();
	let edited = false;
	let saved = false;
	const provider = new SyncProvider(socket, ROOM, doc, {
		onState: (s) => {
			if (edited && !s.unsaved && !saved) {
				saved = true;
				onSaved();
			}
		}
	});
	try {
		await eventually(() => provider.state.synced, 10_000, 'sync');
		new IncidentDoc(doc).setFigure(CHAOTIAN, key, value);
		edited = true;
		expect(provider.state.unsaved).toBe(true);
		await eventually(() => saved, 10_000, 'the acknowledgement ("saved")');
	} finally {
		provider.destroy();
		socket.disconnect();
		doc.destroy();
	}
}

describe('attribution across kill -9', () => {
	const dirs: string[] = [];
	afterEach(async () => {
		await killAllChildServers();
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
	});

	it('lists a change acknowledged just before the kill with its author after the restart', async () => {
		const dataDir = tempDataDir('sitroom-attr-kill9-');
		dirs.push(dataDir);
		const edits: Array<[FigureKey, number]> = [
			['relocated', 321],
			['injured', 7],
			['missing', 2]
		];
		let server = await startChildServer(dataDir);
		for (const [i, [key, value]] of edits.entries()) {
			expect(await editThenKill(server, key, value)).toEqual({ code: null, signal: 'SIGKILL' });
			server = await startChildServer(dataDir);
			const changes = await auditOfFigures(server);
			// Every edit so far, the one made just before this kill included, with its author.
			for (const [k] of edits.slice(0, i + 1)) {
				expect(
					changes.find((c) => c.field === k),
					`the change to ${k} (edit ${i + 1}) in ${JSON.stringify(changes)}`
				).toMatchObject({
					userId: expect.any(String),
					userName: '朝天镇值班员',
					orgId: 'twp-510812100',
					op: 'update'
				});
			}
			// The edits, and the row the demo's seed made when its officer first filled Chaotian's figures.
			expect(changes.filter((c) => c.field !== null)).toHaveLength(i + 1);
			expect(changes.filter((c) => c.field === null)).toEqual([
				expect.objectContaining({ userName: '朝天镇值班员', op: 'create' })
			]);
		}
		expect(await server.terminate()).toEqual({ code: 0, signal: null });
	});

	// The store's other mode: rows on the main connection of an in-memory database.
	it('attributes an acknowledged change with the in-memory store', async () => {
		const server: TestServer = await startTestServer({ SITROOM_STORE: 'memory' });
		try {
			await editAsChaotian(server.url, 'dead', 1, () => undefined);
			expect(await auditOfFigures(server)).toEqual([
				expect.objectContaining({ userName: '朝天镇值班员', field: 'dead', op: 'update' }),
				// The demo's seed, made by the server for the same officer.
				expect.objectContaining({ userName: '朝天镇值班员', field: null, op: 'create' })
			]);
		} finally {
			await server.dispose();
		}
	});
});
