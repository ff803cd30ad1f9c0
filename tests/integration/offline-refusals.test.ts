/**
 * The proven loss of issue 13, on both transports: a field member goes offline, adds an
 * observation point (allowed) and moves their task's status; meanwhile the commander reassigns
 * the task to another team. On reconnect the client sends both as one update. Before accept and
 * compensate the server refused all of it at the first denial and the app threw its document
 * away: the observation was lost. Now the allowed change lands, the refused one is reported to
 * the author with its refusal record, nobody else ever holds the refused status as current, and
 * the field client goes on editing afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import type { Actor } from '../../src/lib/domain/actor.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { MessageType, type RefusedChange } from '../../src/lib/domain/protocol.ts';
import { changeTaskStatus } from '../../src/lib/state/room-actions.ts';
import { SqliteRefusalStore } from '../../server/guard/sqlite/refusal-store.ts';
import { loginAt, realtimeTokenAt, type TestSession } from '../helpers/auth.ts';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';
/** field1's team's task in the demo incident (status 已接收). */
const TASK = 'task-road-g108';

type Transport = 'socket.io' | 'y-websocket';

/** A field client that can go offline and back, and says what the server refused of its updates. */
interface FieldClient {
	doc: Y.Doc;
	refused: RefusedChange[];
	offline(): void;
	online(): void;
	synced(): boolean;
	destroy(): void;
}

async function actorOf(server: TestServer, session: TestSession): Promise<Actor> {
	const res = await fetch(`${server.url}/api/session`, { headers: { cookie: session.cookie } });
	const body = (await res.json()) as {
		user: { id: string; orgId: string; role: Actor['role']; township: string | null };
	};
	return { userId: body.user.id, orgId: body.user.orgId, role: body.user.role, township: body.user.township };
}

async function fieldClient(
	server: TestServer,
	transport: Transport,
	session: TestSession
): Promise<FieldClient> {
	if (transport === 'socket.io') {
		const c: SioClient = connectSio(server.url, ROOM, {
			headers: { cookie: session.cookie, origin: server.url }
		});
		await waitForSioSync(c);
		return {
			doc: c.doc,
			refused: c.refusedChanges,
			offline: () => c.socket.disconnect(),
			online: () => c.socket.connect(),
			synced: () => c.provider.state.synced && !c.provider.state.unsaved,
			destroy: () => c.destroy()
		};
	}
	const y: YwsClient = connectYws(server.url, ROOM, {
		token: await realtimeTokenAt(server.url, session, ROOM)
	});
	const refused: RefusedChange[] = [];
	// A stock client ignores the refusedChanges frame; the test reads it off the socket as an app would.
	const listen = (): void => {
		y.provider.ws?.addEventListener('message', (ev: { data: unknown }) => {
			const data = new Uint8Array(ev.data as ArrayBuffer);
			const d = decoding.createDecoder(data);
			if (decoding.readVarUint(d) !== MessageType.refusedChanges) return;
			refused.push(...(JSON.parse(decoding.readVarString(d)) as RefusedChange[]));
		});
	};
	y.provider.on('status', ({ status }: { status: string }) => {
		if (status === 'connected') listen();
	});
	listen();
	await waitForSync(y.provider);
	return {
		doc: y.doc,
		refused,
		offline: () => y.provider.disconnect(),
		online: () => void y.provider.connect(),
		synced: () => y.provider.synced && y.provider.wsconnected,
		destroy: () => y.destroy()
	};
}

describe.each<Transport>(['socket.io', 'y-websocket'])(
	'nothing typed offline is lost, over %s',
	(transport) => {
		let server: TestServer;
		let commander: SioClient;
		let refusals: SqliteRefusalStore;
		const toClose: Array<{ destroy(): void }> = [];

		beforeAll(async () => {
			server = await startTestServer();
			refusals = new SqliteRefusalStore(server.db!);
			const s = await loginAt(server.url, 'commander');
			commander = connectSio(server.url, ROOM, { headers: { cookie: s.cookie, origin: server.url } });
			toClose.push(commander);
			await waitForSioSync(commander);
		});

		afterAll(async () => {
			for (const c of toClose.splice(0)) c.destroy();
			await server?.dispose();
		});

		it('lands the allowed change, reports and records the refused one, and keeps the client editing', async () => {
			const session = await loginAt(server.url, 'field1');
			const fieldActor = await actorOf(server, session);
			const field = await fieldClient(server, transport, session);
			toClose.push(field);
			const cmd = new IncidentDoc(commander.doc);
			expect(cmd.read<{ status: string }>('tasks', TASK)?.status).toBe('accepted');
			// Every status of the task the commander's copy ever holds, after each update it gets.
			const statuses: unknown[] = [];
			commander.doc.on('update', () => statuses.push(cmd.read<{ status: string }>('tasks', TASK)?.status));

			field.offline();
			const mine = new IncidentDoc(field.doc);
			const observedAt = Date.now();
			mine.addEntity('annotations', 'obs-offline', {
				kind: 'observation',
				label: '路面塌陷',
				note: '',
				geometry: { type: 'Point', coordinates: [105.9, 32.65] },
				taskIds: [],
				feedIds: [],
				createdBy: fieldActor.userId,
				ownerOrgId: fieldActor.orgId,
				createdAt: new Date(observedAt).toISOString()
			});
			changeTaskStatus(mine, fieldActor, TASK, 'in_progress');

			// Meanwhile the commander gives the task to another team.
			cmd.patch('tasks', TASK, { assigneeOrgId: 'team-district-rescue' });
			await eventually(() => !commander.provider.state.unsaved, 10_000, 'reassignment saved');

			field.online();
			// The allowed observation lands at the commander.
			await eventually(() => cmd.annotations.has('obs-offline'), 10_000, 'observation at the commander');
			// The status move (and its progress note) is reported to the author.
			await eventually(() => field.refused.length > 0, 10_000, 'refused changes at the author');
			expect(field.refused.map((r) => [r.collection, r.entityId, r.field, r.op])).toEqual([
				['tasks', TASK, 'status', 'update'],
				['tasks', TASK, 'updates', 'create']
			]);
			expect(field.refused[0]!.attempted).toBe('in_progress');
			expect(field.refused[0]!.reason).toMatch(/assigned|team|task/i);
			// Each has its record, with who, the attempted value and (Socket.IO) the device's time.
			for (const r of field.refused) {
				const rec = await refusals.byId(r.id);
				expect(rec).toMatchObject({
					room: ROOM,
					userId: fieldActor.userId,
					collection: r.collection,
					field: r.field
				});
				if (transport === 'socket.io') expect(rec?.deviceAt).toBeGreaterThanOrEqual(observedAt);
			}
			// Nobody else ever held the refused status; the author's copy is set back too.
			await eventually(
				() => new IncidentDoc(field.doc).read<{ status: string }>('tasks', TASK)?.status === 'accepted',
				10_000,
				'status set back at the author'
			);
			expect(statuses).not.toContain('in_progress');
			expect(cmd.read<{ status: string; assigneeOrgId: string }>('tasks', TASK)).toMatchObject({
				status: 'accepted',
				assigneeOrgId: 'team-district-rescue'
			});
			// The observation is still on the phone.
			expect(mine.annotations.has('obs-offline')).toBe(true);

			// The field client goes on editing under the same Yjs client id: its next change applies.
			mine.patch('annotations', 'obs-offline', { note: '已拍照' });
			await eventually(
				() => cmd.read<{ note: string }>('annotations', 'obs-offline')?.note === '已拍照',
				10_000,
				'a later edit at the commander'
			);
			await eventually(() => field.synced(), 10_000, 'field client synced');
			expect(Y.encodeStateVector(field.doc)).toEqual(Y.encodeStateVector(server.registry.get(ROOM)!.doc));
		});

		it('judges offline edits by the permissions when they arrive: a role revoked meanwhile writes nothing', async () => {
			const admin = await loginAt(server.url, 'admin');
			const session = await loginAt(server.url, 'chaotian');
			const township = await actorOf(server, session);
			const c = await fieldClient(server, transport, session);
			toClose.push(c);
			c.offline();
			new IncidentDoc(c.doc).setFigure('510812100', 'relocated', 4321);
			// While the device is offline, an administrator makes the account a viewer.
			const res = await fetch(`${server.url}/api/users/${township.userId}`, {
				method: 'PATCH',
				headers: admin.headers,
				body: JSON.stringify({ role: 'viewer' })
			});
			expect(res.status).toBe(200);
			c.online();
			await new Promise((r) => setTimeout(r, 1500));
			expect(new IncidentDoc(commander.doc).figures.get('510812100')?.get('relocated')).not.toBe(4321);
			expect(
				new IncidentDoc(server.registry.get(ROOM)!.doc).figures.get('510812100')?.get('relocated')
			).not.toBe(4321);
		});
	}
);
