/**
 * An incident's own fields after it is opened: a commander renames it, changes its type and
 * severity, adds or removes affected townships, in the document like any change. The guard
 * decides who may and what is well formed, the attribution records who did it, and the incident
 * index follows, so the list shows and filters by what the document now says.
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { IncidentAudit } from '../../src/lib/domain/api/audit.ts';
import type { IncidentSummary } from '../../src/lib/domain/api/incidents.ts';
import type { ServerNotice } from '../../src/lib/domain/protocol.ts';
import { SyncProvider, type AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import type { TestSession } from '../helpers/auth.ts';
import { connectSio, eventually, waitForSioSync, type SioClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, validIncident } from './helpers.ts';

type One = { incident: IncidentSummary };
type Many = { incidents: IncidentSummary[] };

const CHAOTIAN = '510812100';
const DATAN = '510812101';
const YANGMU = '510812102';

describe('changing an incident’s own fields', () => {
	let server: TestServer;
	let commander: TestSession;
	let inc: IncidentSummary;
	let client: SioClient;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		commander = await server.login('commander');
		inc = (
			await call<One>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({ name: '羊木镇山火', townships: [YANGMU] })
			)
		).body.incident;
		client = connectSio(server.url, inc.id, { headers: { cookie: commander.cookie } });
		await waitForSioSync(client);
	});
	afterAll(async () => {
		client?.destroy();
		await server?.dispose();
	});

	const meta = () => client.doc.getMap('meta');
	const serverMeta = () => server.registry.get(inc.id)!.doc.getMap('meta');
	const saved = () => eventually(() => !client.provider.state.unsaved, 5000, 'answered');
	const row = async () =>
		(await call<One>(server.url, commander, 'GET', `/api/incidents/${inc.id}`)).body.incident;
	const listed = async (query: string) =>
		(await call<Many>(server.url, commander, 'GET', `/api/incidents${query}`)).body.incidents.map(
			(i) => i.id
		);

	it('follows a commander’s rename, new type, severity and added township in the index and its filters', async () => {
		client.doc.transact(() => {
			meta().set('name', '羊木镇山火蔓延至朝天镇');
			meta().set('type', 'forest_fire');
			meta().set('severity', 'large');
			meta().set('townships', [YANGMU, CHAOTIAN]);
		});
		await saved();
		expect(await row()).toMatchObject({
			name: '羊木镇山火蔓延至朝天镇',
			severity: 'large',
			townships: [YANGMU, CHAOTIAN]
		});
		expect(await listed(`?township=${CHAOTIAN}`)).toContain(inc.id);
		expect(await listed('?q=蔓延')).toEqual([inc.id]);
		expect(await listed('?severity=large')).toContain(inc.id);
	});

	it('records who changed the incident’s fields, as any change', async () => {
		const audit = (
			await call<IncidentAudit>(
				server.url,
				commander,
				'GET',
				`/api/incidents/${inc.id}/audit?collection=meta`
			)
		).body;
		const fields = audit.changes.map((c) => c.field);
		expect(fields).toEqual(expect.arrayContaining(['name', 'severity', 'townships']));
		expect(audit.changes.find((c) => c.field === 'townships')).toMatchObject({
			userName: '值班指挥长',
			orgId: 'command-centre'
		});
	});

	it('keeps the figures of a township no longer affected: nothing is deleted', async () => {
		client.doc.transact(() => {
			const figures = new Y.Map<number>();
			figures.set('relocated', 12);
			client.doc.getMap('figures').set(CHAOTIAN, figures);
		});
		await saved();
		meta().set('townships', [YANGMU]);
		await saved();
		expect((await row()).townships).toEqual([YANGMU]);
		expect(server.registry.get(inc.id)!.doc.getMap('figures').toJSON()).toEqual({
			[CHAOTIAN]: { relocated: 12 }
		});
		meta().set('townships', [YANGMU, CHAOTIAN]);
		await saved();
	});

	/** What the server says to `session`'s change of meta in a connection of its own. */
	async function refusalOf(
		session: TestSession,
		change: (meta: Y.Map<unknown>) => void
	): Promise<Pick<ServerNotice, 'message'>> {
		const socket: AppSocket = ioClient(server.url, {
			transports: ['websocket'],
			extraHeaders: { cookie: session.cookie },
			forceNew: true
		});
		const doc = new Y.Doc();
		// A forbidden field change is accepted and undone at once (accept and compensate): the
		// acknowledgement names it with its reason. An update refused whole comes as a refusal.
		const refusals: Array<Pick<ServerNotice, 'message'>> = [];
		const provider = new SyncProvider(socket, inc.id, doc, {
			onRefused: (r) => refusals.push(r),
			onRefusedChanges: (_room, changes) => refusals.push(...changes.map((c) => ({ message: c.reason })))
		});
		try {
			await eventually(() => provider.state.synced, 10_000, 'synced');
			change(doc.getMap('meta'));
			await eventually(() => refusals.length > 0, 5000, 'the refusal');
			return refusals[0]!;
		} finally {
			provider.destroy();
			socket.disconnect();
			doc.destroy();
		}
	}

	it('refuses a blank name, no affected township, a malformed or repeated township code, each by its reason', async () => {
		const cases: Array<[string, unknown, RegExp]> = [
			['name', '   ', /must not be empty/],
			['townships', [], /at least one affected township/],
			['townships', ['朝天镇'], /township codes/],
			['townships', [YANGMU, YANGMU], /twice/]
		];
		for (const [field, value, reason] of cases) {
			const refusal = await refusalOf(commander, (m) => m.set(field, value));
			expect(refusal.message, `${field} ${JSON.stringify(value)}`).toMatch(reason);
		}
		expect(serverMeta().get('name')).toBe('羊木镇山火蔓延至朝天镇');
		expect(serverMeta().get('townships')).toEqual([YANGMU, CHAOTIAN]);
		expect((await row()).name).toBe('羊木镇山火蔓延至朝天镇');
	});

	it('refuses a township duty officer’s rename or added township', async () => {
		const officer = await server.login('chaotian');
		for (const change of [
			(m: Y.Map<unknown>) => m.set('townships', [YANGMU, CHAOTIAN, DATAN]),
			(m: Y.Map<unknown>) => m.set('name', '改名')
		]) {
			expect((await refusalOf(officer, change)).message).toMatch(
				/only a commander changes the incident itself/
			);
		}
		expect(serverMeta().get('townships')).toEqual([YANGMU, CHAOTIAN]);
		expect(serverMeta().get('name')).toBe('羊木镇山火蔓延至朝天镇');
	});
});
