/**
 * Administrators change the organisation tree over REST (teams form and merge, departments are
 * renamed): add, rename, move and deactivate, each refused with a named reason when it would break
 * the tree, each recorded with who and when, and each followed at once by the permission guard of
 * the rooms already open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlatOrganisation, OrganisationChangeEntry } from '../../src/lib/domain/api/organisations.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { TestSession } from '../helpers/auth.ts';
import { connectSio, eventually, waitForSioSync } from '../helpers/clients.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call, joinAs } from '../incidents/helpers.ts';

type Answer = { organisation: FlatOrganisation };
type Refusal = { error: string; message: string };

const DEMO = 'inc-demo-jialing';
const CHAOTIAN = 'twp-510812100';
const DATAN = 'twp-510812101';

describe('organisations over REST', () => {
	let server: TestServer;
	let admin: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		admin = await server.login('admin');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const create = (body: Record<string, unknown>, as: TestSession = admin) =>
		call<Answer & Refusal>(server.url, as, 'POST', '/api/organisations', body);
	const change = (id: string, body: Record<string, unknown>, as: TestSession = admin) =>
		call<Answer & Refusal>(server.url, as, 'PATCH', `/api/organisations/${id}`, body);
	const flatList = async () =>
		(
			await call<{ organisations: FlatOrganisation[] }>(
				server.url,
				admin,
				'GET',
				'/api/organisations?format=flat'
			)
		).body.organisations;
	const changesOf = async (orgId: string) =>
		(
			await call<{ changes: OrganisationChangeEntry[] }>(
				server.url,
				admin,
				'GET',
				`/api/organisations/changes?orgId=${orgId}`
			)
		).body.changes;

	it('creates a team under a township platform, in that township, and records who made it', async () => {
		const res = await create({ name: '朝天镇第二应急分队', kind: 'team', parentId: CHAOTIAN });
		expect(res.status).toBe(201);
		const team = res.body.organisation;
		expect(team).toMatchObject({
			name: '朝天镇第二应急分队',
			kind: 'team',
			parentId: CHAOTIAN,
			township: '510812100',
			active: true
		});
		expect((await flatList()).find((o) => o.id === team.id)).toEqual(team);
		const [made] = await changesOf(team.id);
		expect(made).toMatchObject({ byName: '系统管理员', before: null, after: { name: '朝天镇第二应急分队' } });
		expect(Date.now() - Date.parse(made!.at)).toBeLessThan(60_000);
	});

	it('refuses a new organisation of a kind administrators do not create, by name', async () => {
		for (const kind of ['village', 'township', 'command_centre', 'committee']) {
			const res = await create({ name: '新机构', kind, parentId: 'command-centre' });
			expect(res.status, kind).toBe(400);
			expect(res.body.error, kind).toBe('bad-organisation-kind');
		}
	});

	it('refuses a parent that does not exist or is a village, by name', async () => {
		const unknown = await create({ name: '新队', kind: 'team', parentId: 'no-such-org' });
		expect(unknown.status).toBe(400);
		expect(unknown.body.error).toBe('unknown-parent');
		const village = (await flatList()).find((o) => o.kind === 'village')!;
		const under = await create({ name: '新队', kind: 'team', parentId: village.id });
		expect(under.status).toBe(400);
		expect(under.body.error).toBe('unknown-parent');
	});

	it('refuses a second organisation of the same name under one parent, whatever its spacing and case', async () => {
		const same = await create({ name: ' 区水利局 ', kind: 'department', parentId: 'command-centre' });
		expect(same.status).toBe(409);
		expect(same.body.error).toBe('duplicate-organisation-name');
		const rename = await change('dept-police', { name: '区水利局' });
		expect(rename.status).toBe(409);
		expect(rename.body.error).toBe('duplicate-organisation-name');
		// Under another parent the name is free.
		expect((await create({ name: '区水利局', kind: 'team', parentId: 'dept-police' })).status).toBe(201);
	});

	it('renames a department, and its members are shown under the new name', async () => {
		const res = await change('dept-transport', { name: '区交通运输局（区港航中心）' });
		expect(res.status).toBe(200);
		expect(res.body.organisation.name).toBe('区交通运输局（区港航中心）');
		const [renamed] = await changesOf('dept-transport');
		expect(renamed).toMatchObject({
			fields: ['name'],
			before: { name: '区交通运输局' },
			after: { name: '区交通运输局（区港航中心）' }
		});
	});

	it('moves a team to another township, and its township follows', async () => {
		const team = (await create({ name: '机动抢险队', kind: 'team', parentId: CHAOTIAN })).body.organisation;
		const moved = await change(team.id, { parentId: DATAN });
		expect(moved.status).toBe(200);
		expect(moved.body.organisation).toMatchObject({ parentId: DATAN, township: '510812101' });
		expect((await changesOf(team.id))[0]!.fields).toEqual(['parentId', 'township']);
	});

	it('disconnects the people of a team moved to another township, to reconnect with their new township', async () => {
		const field = await server.login('field1');
		const { socket, ack } = await joinAs(server.url, field.cookie, DEMO);
		try {
			expect(ack).toEqual({ ok: true });
			const closed = new Promise<{ reason: string }>((resolve) =>
				socket.on('closed', (_room, c) => resolve(c))
			);
			expect((await change('twp-510812100-squad', { parentId: DATAN })).status).toBe(200);
			expect((await closed).reason).toBe('session-expired');
			const session = await call<{ user: { township: string } }>(server.url, field, 'GET', '/api/session');
			expect(session.body.user.township).toBe('510812101');
		} finally {
			socket.disconnect();
			await change('twp-510812100-squad', { parentId: CHAOTIAN });
		}
	});

	it('refuses moving an organisation under itself or below it, and moving the root', async () => {
		const below = await change('dept-water', { parentId: 'team-flood-emergency' });
		expect(below.status).toBe(409);
		expect(below.body.error).toBe('organisation-cycle');
		const self = await change('dept-water', { parentId: 'dept-water' });
		expect(self.body.error).toBe('organisation-cycle');
		const root = await change('command-centre', { parentId: 'dept-water' });
		expect(root.status).toBe(409);
		expect(root.body.error).toBe('organisation-cycle');
		const platform = await change(CHAOTIAN, { parentId: 'dept-water' });
		expect(platform.status).toBe(400);
		expect(platform.body.error).toBe('bad-organisation-kind');
	});

	it('refuses deactivating an organisation with active users or organisations under it, until they are moved', async () => {
		const inUse = await change('dept-water', { active: false });
		expect(inUse.status).toBe(409);
		expect(inUse.body.error).toBe('organisation-in-use');
		expect(inUse.body.message).toMatch(/1 active user\(s\) and 1 active organisation\(s\)/);

		const users = (
			await call<{ users: Array<{ id: string; username: string }> }>(server.url, admin, 'GET', '/api/users')
		).body.users;
		const water = users.find((u) => u.username === 'water')!;
		expect(
			(await call(server.url, admin, 'PATCH', `/api/users/${water.id}`, { orgId: 'dept-police' })).status
		).toBe(200);
		expect((await change('dept-water', { active: false })).body.error).toBe('organisation-in-use');
		expect((await change('team-flood-emergency', { parentId: 'dept-police' })).status).toBe(200);

		const done = await change('dept-water', { active: false });
		expect(done.status).toBe(200);
		expect(done.body.organisation.active).toBe(false);
		expect((await flatList()).find((o) => o.id === 'dept-water')?.active).toBe(false);
		// Nobody joins it now.
		const joining = await call<Refusal>(server.url, admin, 'POST', '/api/users', {
			username: 'late.joiner',
			displayName: '新人',
			orgId: 'dept-water',
			role: 'agency',
			password: 'Xin-ren-2026-ok'
		});
		expect(joining.status).toBe(400);
	});

	it('answers an unknown organisation 404, and anyone but an administrator 403', async () => {
		const unknown = await change('no-such-org', { name: '无' });
		expect(unknown.status).toBe(404);
		expect(unknown.body.error).toBe('organisation-not-found');
		const commander = await server.login('commander');
		expect((await create({ name: '指挥长的队', kind: 'team', parentId: CHAOTIAN }, commander)).status).toBe(
			403
		);
		expect((await change('dept-police', { name: '公安' }, commander)).status).toBe(403);
		expect((await call(server.url, commander, 'GET', '/api/organisations/changes')).status).toBe(403);
	});

	it('lets a commander give a task in an open room to a team created after the room was opened, and no longer once it is deactivated', async () => {
		const commander = await server.login('commander');
		const me = (await call<{ user: { id: string } }>(server.url, commander, 'GET', '/api/session')).body.user;
		const client = connectSio(server.url, DEMO, { headers: { cookie: commander.cookie } });
		try {
			await waitForSioSync(client);
			const team = (await create({ name: '大滩镇突击队', kind: 'team', parentId: DATAN })).body.organisation;
			const task = (id: string) =>
				new IncidentDoc(client.doc).addTask(id, {
					title: '转移河滩村群众',
					description: '',
					assigneeOrgId: team.id,
					township: '510812101',
					priority: 'urgent',
					dueAt: null,
					location: null,
					status: 'dispatched',
					statusReason: '',
					createdBy: me.id,
					ownerOrgId: 'command-centre',
					createdAt: new Date().toISOString()
				});
			const serverHas = (id: string) => server.registry.get(DEMO)!.doc.getMap('tasks').has(id);

			task('task-new-team');
			await eventually(() => !client.provider.state.unsaved, 5000, 'saved');
			expect(serverHas('task-new-team')).toBe(true);

			expect((await change(team.id, { active: false })).status).toBe(200);
			task('task-gone-team');
			await eventually(() => !client.provider.state.unsaved, 5000, 'answered');
			expect(serverHas('task-gone-team')).toBe(false);
		} finally {
			client.destroy();
		}
	});
});

describe('organisations across a restart', () => {
	it('keeps a renamed department’s name and a new team after a restart (the seed adds only what is missing)', async () => {
		const dataDir = tempDataDir();
		const first = await startTestServer({}, { dataDir, keepData: true });
		let teamId: string;
		try {
			const admin = await first.login('admin');
			expect(
				(
					await call(first.url, admin, 'PATCH', '/api/organisations/dept-health', {
						name: '区卫生健康局（区疾控中心）'
					})
				).status
			).toBe(200);
			teamId = (
				await call<Answer>(first.url, admin, 'POST', '/api/organisations', {
					name: '卫健应急医疗队',
					kind: 'team',
					parentId: 'dept-health'
				})
			).body.organisation.id;
		} finally {
			await first.stop();
		}
		const second = await startTestServer({}, { dataDir });
		try {
			const admin = await second.login('admin');
			const orgs = (
				await call<{ organisations: FlatOrganisation[] }>(
					second.url,
					admin,
					'GET',
					'/api/organisations?format=flat'
				)
			).body.organisations;
			expect(orgs.find((o) => o.id === 'dept-health')?.name).toBe('区卫生健康局（区疾控中心）');
			expect(orgs.find((o) => o.id === teamId)).toMatchObject({
				name: '卫健应急医疗队',
				parentId: 'dept-health'
			});
		} finally {
			await second.dispose();
		}
	});
});
