/**
 * A warning that belongs to an incident is mirrored into that incident's room by the server: the
 * room's read-only warnings list keeps it current (status, acknowledged count), and each step
 * (issue, an acknowledgement, an escalation, a call, the cancel) is a log entry of the room,
 * attributed to the person who acted (the escalation to the server), and seen live by a member
 * connected to the room. A warning without an incident touches no room.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { IncidentAttribution } from '../../src/lib/domain/api/audit.ts';
import { connectYws, waitForSync, type YwsClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { CHAOTIAN, DATAN, until, validWarning, YANGMU } from './helpers.ts';

const INCIDENT = 'inc-demo-jialing';

describe('warnings mirrored into their incident', () => {
	let server: TestServer | undefined;
	const clients: YwsClient[] = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
		server = undefined;
	});

	const logTexts = (doc: Y.Doc) =>
		new IncidentDoc(doc)
			.list<{ text: string; createdBy: string; ownerOrgId: string; kind: string }>('log')
			.filter((e) => e.text.startsWith('【'));

	it('issue, acknowledgement, escalation, call and cancel appear in the room, attributed, live', async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory', WARNING_ACK_LIMITS: 'red=1' });
		const s = server;
		const commander = await s.login('commander');
		const chaotian = await s.login('chaotian');
		// A member of the room watches it over y-websocket, as any client would.
		const watcher = connectYws(s.url, INCIDENT, { token: await s.token('water', INCIDENT) });
		clients.push(watcher);
		await waitForSync(watcher.provider);
		const before = logTexts(watcher.doc).length;

		const issued = await call<{ id: string }>(
			s.url,
			commander,
			'POST',
			'/api/warnings',
			validWarning({ targets: [CHAOTIAN, DATAN, YANGMU], incidentId: INCIDENT })
		);
		expect(issued.status).toBe(201);
		const id = issued.body.id;
		expect((await call(s.url, chaotian, 'POST', `/api/warnings/${id}/ack`, {})).status).toBe(201);
		// DATAN and YANGMU do not acknowledge within a second: both are escalated.
		await until(async () => {
			expect(logTexts(watcher.doc).filter((e) => e.text.startsWith('【预警升级】'))).toHaveLength(2);
		});
		const called = await call(s.url, commander, 'POST', `/api/warnings/${id}/calls`, {
			orgId: YANGMU,
			direction: 'outgoing',
			caller: '区指挥中心值班员',
			callee: '羊木带班领导',
			phone: '13900000003',
			at: new Date().toISOString(),
			answered: true
		});
		expect(called.status).toBe(201);
		expect(
			(await call(s.url, commander, 'POST', `/api/warnings/${id}/cancel`, { reason: '水位回落' })).status
		).toBe(200);

		const entries = await until(async () => {
			const e = logTexts(watcher.doc).slice(before);
			expect(e.map((x) => x.text.slice(0, 6))).toEqual([
				'【预警发布】',
				'【预警签收】',
				'【预警升级】',
				'【预警升级】',
				'【叫应记录】',
				'【预警解除】'
			]);
			return e;
		});
		expect(entries[0]!.text).toContain('嘉陵江朝天段洪水红色预警');
		expect(entries[0]!.text).toContain('朝天镇指挥分平台');
		expect(entries[1]!.text).toMatch(/朝天镇指挥分平台 朝天镇值班员 签收/);
		expect(entries[2]!.text).toContain('超过签收时限');
		expect(entries[4]!.text).toContain('羊木带班领导 13900000003');
		expect(entries[5]!.text).toContain('水位回落');
		expect(entries.every((e) => e.kind === 'notice')).toBe(true);
		// Who each entry is from: the acting person and their organisation; the server for escalations.
		const users = Object.fromEntries(
			await Promise.all(
				['commander', 'chaotian'].map(async (u) => [u, (await s.identity.users.byUsername(u))!.id] as const)
			)
		);
		expect(entries.map((e) => [e.createdBy, e.ownerOrgId])).toEqual([
			[users.commander, 'command-centre'],
			[users.chaotian, CHAOTIAN],
			['sitroom-server', expect.any(String)],
			['sitroom-server', expect.any(String)],
			[users.commander, 'command-centre'],
			[users.commander, 'command-centre']
		]);
		// The room's read-only warnings list follows the warning.
		const mirrored = new IncidentDoc(watcher.doc).list<Record<string, unknown>>('warnings');
		expect(mirrored).toEqual([
			expect.objectContaining({
				id,
				title: '嘉陵江朝天段洪水红色预警',
				level: 'red',
				kind: 'warning',
				status: 'lifted',
				targetCount: 3,
				acknowledgedCount: 1
			})
		]);
		// The server's own attribution: the acknowledgement's entry is the officer's change.
		const attribution = (
			await call<IncidentAttribution>(s.url, commander, 'GET', `/api/incidents/${INCIDENT}/attribution`)
		).body;
		const ackEntryId = new IncidentDoc(watcher.doc)
			.list<{ id: string; text: string }>('log')
			.find((e) => e.text.startsWith('【预警签收】'))!.id;
		expect(attribution.entities.find((a) => a.entityId === ackEntryId)).toMatchObject({
			collection: 'log',
			createdBy: users.chaotian
		});
	});

	it('a warning without an incident writes into no room', async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory' });
		const commander = await server.login('commander');
		const room = await server.registry.open(INCIDENT);
		const before = new IncidentDoc(room.doc).list('log').length;
		const issued = await call(server.url, commander, 'POST', '/api/warnings', validWarning());
		expect(issued.status).toBe(201);
		expect(new IncidentDoc(room.doc).list('log')).toHaveLength(before);
		expect(new IncidentDoc(room.doc).list('warnings')).toEqual([]);
	});
});
