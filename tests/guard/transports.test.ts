/**
 * The guard in the real server, through both transports, with demo accounts logged in:
 * allowed edits reach others and are attributed; forbidden ones are refused and seen by no one;
 * presence carries the server's view of each user, whatever the client claimed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Awareness } from 'y-protocols/awareness';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { loginAt, realtimeTokenAt } from '../helpers/auth.ts';
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
const CHAOTIAN = '510812100';

describe('the permission guard through the real transports', () => {
	let server: TestServer;
	const clients: Array<SioClient | YwsClient> = [];
	let commander: YwsClient;

	beforeAll(async () => {
		server = await startTestServer();
		const s = await loginAt(server.url, 'commander');
		commander = connectYws(server.url, ROOM, { token: await realtimeTokenAt(server.url, s, ROOM) });
		clients.push(commander);
		await waitForSync(commander.provider);
	});

	afterAll(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
	});

	async function sioAs(username: string): Promise<SioClient> {
		const s = await loginAt(server.url, username);
		const c = connectSio(server.url, ROOM, { headers: { cookie: s.cookie, origin: server.url } });
		clients.push(c);
		await waitForSioSync(c);
		return c;
	}

	it('carries a township’s own figures to others and attributes them', async () => {
		const c = await sioAs('chaotian');
		new IncidentDoc(c.doc).setFigure(CHAOTIAN, 'relocated', 321);
		const figures = new IncidentDoc(commander.doc).figures;
		await eventually(() => figures.get(CHAOTIAN)?.get('relocated') === 321, 5000, 'figure at the commander');
		const cs = await loginAt(server.url, 'commander');
		const audit = await fetch(
			`${server.url}/api/incidents/${ROOM}/audit?collection=figures&entity=${CHAOTIAN}`,
			{
				headers: { cookie: cs.cookie }
			}
		);
		expect(audit.status).toBe(200);
		const body = (await audit.json()) as { changes: Array<{ userName: string; field: string; op: string }> };
		expect(body.changes[0]).toMatchObject({ userName: '朝天镇值班员', field: 'relocated', op: 'update' });
		// Before it, the demo's seed: the server filled the row for the same officer.
		expect(body.changes.slice(1)).toEqual([
			expect.objectContaining({ userName: '朝天镇值班员', field: null, op: 'create' })
		]);
	});

	it('refuses a township editing another township’s figures; no one else sees it', async () => {
		const c = await sioAs('datan');
		const seen: unknown[] = [];
		const before = new IncidentDoc(commander.doc).figures.get(CHAOTIAN)?.get('dead');
		// The commander's copy after every update it gets: the refused value is never current there.
		commander.doc.on('update', () =>
			seen.push(new IncidentDoc(commander.doc).figures.get(CHAOTIAN)?.get('dead'))
		);
		new IncidentDoc(c.doc).setFigure(CHAOTIAN, 'dead', 99);
		// Accepted and undone at once (accept and compensate): the author is told in the ack.
		await eventually(() => c.refusedChanges.length > 0, 5000, 'refused changes');
		expect(c.refusedChanges.map((r) => [r.collection, r.entityId, r.field, r.attempted])).toEqual([
			['figures', CHAOTIAN, 'dead', 99]
		]);
		await eventually(
			() => new IncidentDoc(c.doc).figures.get(CHAOTIAN)?.get('dead') === before,
			5000,
			'undone'
		);
		await new Promise((r) => setTimeout(r, 200));
		expect(new IncidentDoc(commander.doc).figures.get(CHAOTIAN)?.get('dead')).toBe(before);
		expect(seen).not.toContain(99);
	});

	it('refuses bad audit queries with field paths', async () => {
		const cs = await loginAt(server.url, 'commander');
		const res = await fetch(`${server.url}/api/incidents/${ROOM}/audit?collection=tasks`, {
			headers: { cookie: cs.cookie }
		});
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: string; issues: Array<{ path: string }> };
		expect(body.error).toBe('invalid-request');
		const anon = await fetch(`${server.url}/api/incidents/${ROOM}/attribution`);
		expect(anon.status).toBe(401);
	});

	it('stamps presence with the server’s view of the user', async () => {
		const s = await loginAt(server.url, 'field1');
		const y = connectYws(server.url, ROOM, { token: await realtimeTokenAt(server.url, s, ROOM) });
		clients.push(y);
		await waitForSync(y.provider);
		const aw: Awareness = y.provider.awareness;
		aw.setLocalStateField('user', { id: 'u-commander', name: '冒充的指挥长', role: 'commander' });
		const theirs = (): Record<string, unknown> | undefined =>
			commander.provider.awareness.getStates().get(y.doc.clientID) as Record<string, unknown> | undefined;
		await eventually(() => theirs()?.user !== undefined, 5000, 'presence at the commander');
		expect(theirs()!.user).toMatchObject({ name: '朝天镇应急分队队员', role: 'field' });
	});
});
