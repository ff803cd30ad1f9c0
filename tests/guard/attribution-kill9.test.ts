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
import { tempDataDir } from '../helpers/server.ts';

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

async function auditOfFigures(server: ChildServer): Promise<AuditChange[]> {
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
	const session = await loginAt(server.url, 'chaotian');
	const socket: AppSocket = ioClient(server.url, {
		transports: ['websocket'],
		extraHeaders: { cookie: session.cookie, origin: server.url },
		reconnection: false,
		forceNew: true
	});
	const doc = new Y.Doc();
	let edited = false;
	let killing: Promise<ChildExit> | null = null;
	const provider = new SyncProvider(socket, ROOM, doc, {
		onState: (s) => {
			if (edited && !s.unsaved && killing === null) killing = server.kill();
		}
	});
	try {
		await eventually(() => provider.state.synced, 10_000, 'sync');
		new IncidentDoc(doc).setFigure(CHAOTIAN, key, value);
		edited = true;
		expect(provider.state.unsaved).toBe(true);
		await eventually(() => killing !== null, 10_000, 'the acknowledgement ("saved")');
		return await killing!;
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
			expect(changes).toHaveLength(i + 1);
		}
		expect(await server.terminate()).toEqual({ code: 0, signal: null });
	});
});
