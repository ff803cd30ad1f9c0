/**
 * The app's RoomConnection after changes refused inside an accepted update: the document is kept
 * (the same Y.Doc, with what was typed and allowed), the server's undoing applies to it, the latest
 * refused changes are in its state and handed to `onRefusedChanges`. Before accept and compensate
 * a refusal made it throw its document away (#resync) and sync a fresh one.
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { RefusedChange } from '../../src/lib/domain/protocol.ts';
import { RoomConnection } from '../../src/lib/realtime/room-connection.svelte.ts';
import type { AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import { loginAt } from '../helpers/auth.ts';
import { eventually } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';
const TASK = 'task-road-g108';

describe('RoomConnection and refused changes', () => {
	let server: TestServer;
	const sockets: AppSocket[] = [];

	beforeAll(async () => {
		server = await startTestServer();
	});

	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await server?.dispose();
	});

	async function socketAs(username: string): Promise<AppSocket> {
		const s = await loginAt(server.url, username);
		const socket: AppSocket = ioClient(server.url, {
			transports: ['websocket'],
			extraHeaders: { cookie: s.cookie, origin: server.url },
			reconnectionDelay: 50,
			forceNew: true
		});
		sockets.push(socket);
		return socket;
	}

	it('keeps its document and the latest refused changes, and hands them over', async () => {
		const handed: Array<{ room: string; changes: readonly RefusedChange[] }> = [];
		const conn = new RoomConnection(ROOM, await socketAs('field1'), {
			onRefusedChanges: (room, changes) => handed.push({ room, changes })
		});
		const cmd = new RoomConnection(ROOM, await socketAs('commander'));
		try {
			await eventually(() => conn.synced && cmd.synced, 10_000, 'both synced');
			const doc = conn.doc;
			const mine = new IncidentDoc(doc);
			const field = mine.read<{ createdBy: string; ownerOrgId: string }>('tasks', TASK);
			expect(field).toBeDefined();
			// The commander gives the task to another team; then the field member moves its status,
			// which it may no longer do.
			new IncidentDoc(cmd.doc).patch('tasks', TASK, { assigneeOrgId: 'team-district-rescue' });
			await eventually(() => !cmd.unsaved, 10_000, 'reassignment saved');
			await eventually(
				() => mine.read<{ assigneeOrgId: string }>('tasks', TASK)?.assigneeOrgId === 'team-district-rescue',
				10_000,
				'reassignment at the field member'
			);
			mine.patch('tasks', TASK, { status: 'in_progress' });
			await eventually(() => conn.refusedChanges.length > 0, 10_000, 'refused changes in state');
			expect(conn.refusedChanges.map((r) => [r.collection, r.entityId, r.field, r.attempted])).toEqual([
				['tasks', TASK, 'status', 'in_progress']
			]);
			expect(handed).toEqual([{ room: ROOM, changes: conn.refusedChanges }]);
			// The same document, set back by the server's undoing; not replaced, not refused whole.
			expect(conn.doc).toBe(doc);
			expect(conn.refusal).toBeNull();
			await eventually(
				() => mine.read<{ status: string }>('tasks', TASK)?.status === 'accepted',
				10_000,
				'undone'
			);
			await eventually(() => !conn.unsaved, 10_000, 'saved');
			conn.dismissRefusedChanges();
			expect(conn.refusedChanges).toEqual([]);
		} finally {
			conn.destroy();
			cmd.destroy();
		}
	});

	it('shows the refusal of a socket turned away before the room was opened on it', async () => {
		// The room page opens the shared socket as the app starts, and the room on it only once the
		// device's copy is open. A socket the server refused (no session, or an expired one) in that
		// gap tries no more; the room must still learn why, or it says "connecting" for ever and the
		// expired session is never offered to sign in again.
		const socket: AppSocket = ioClient(server.url, {
			transports: ['websocket'],
			extraHeaders: { origin: server.url },
			reconnectionDelay: 50,
			forceNew: true
		});
		sockets.push(socket);
		await new Promise<void>((resolve) => socket.once('connect_error', () => resolve()));
		expect(socket.active).toBe(false);
		const conn = new RoomConnection(ROOM, socket);
		try {
			await eventually(() => conn.closed !== null, 10_000, 'the refusal reaches the room');
			expect(conn.closed?.reason).toBe('unauthenticated');
			expect(conn.status).toBe('disconnected');
			expect(conn.synced).toBe(false);
		} finally {
			conn.destroy();
		}
	});

	it('an update refused for missing dependencies is mended by a rejoin, not dropped with the document', async () => {
		// A frame lost on its way (between nodes, in the field) makes the server refuse the next one
		// whole: it builds on changes the server does not have. Regression: the app then threw its
		// document and outbox away, and both edits were lost.
		const socket = await socketAs('commander');
		const emit = socket.emit.bind(socket);
		let dropNext = false;
		(socket as unknown as { emit: (...a: unknown[]) => unknown }).emit = (...args: unknown[]) => {
			const frame = args[2];
			// A sync update frame: message type 0 (sync), sub-type 2 (update).
			if (dropNext && args[0] === 'y' && frame instanceof Uint8Array && frame[0] === 0 && frame[1] === 2) {
				dropNext = false;
				return socket;
			}
			return (emit as (...a: unknown[]) => unknown)(...args);
		};
		const conn = new RoomConnection(ROOM, socket);
		const reader = new RoomConnection(ROOM, await socketAs('leader'));
		try {
			await eventually(() => conn.synced && reader.synced, 10_000, 'both synced');
			const doc = conn.doc;
			const mine = new IncidentDoc(doc);
			dropNext = true;
			mine.setMeta({ name: 'lost-on-the-way' });
			await new Promise((r) => setTimeout(r, 100));
			expect(dropNext).toBe(false);
			mine.patch('tasks', TASK, { description: 'builds on the lost one' });
			const theirs = new IncidentDoc(reader.doc);
			await eventually(
				() =>
					theirs.meta.get('name') === 'lost-on-the-way' &&
					theirs.read<{ description?: string }>('tasks', TASK)?.description === 'builds on the lost one',
				15_000,
				'both edits reach another client'
			);
			await eventually(() => !conn.unsaved, 10_000, 'saved');
			expect(conn.doc).toBe(doc);
			expect(conn.refusal).toBeNull();
		} finally {
			conn.destroy();
			reader.destroy();
		}
	});
});
