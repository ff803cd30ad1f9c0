/**
 * Teams and equipment from the registers at work in an incident, over REST on a real server with
 * its demo rows: what is free near a point or a task's place (distances computed by the server,
 * nearest first), a team committed to a task in one step (the task's assignee becomes the team,
 * the team shows 出动中 and leaves the free list; 待命 again when the task is done), equipment
 * committed by the item and released, what is committed where, and every refusal by its name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
	CommitmentEntry,
	CommitmentList,
	NearbyAnswer,
	RegisterChangeEntry,
	RegisterList,
	RegisterRow
} from '../../src/lib/domain/api/registers.ts';
import { IncidentDoc, type LonLat } from '../../src/lib/domain/incident-doc.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';

const DEMO = 'inc-demo-jialing';
type Refusal = { error?: string; message?: string };

/** An independent haversine, to check the server's figures. */
function km(a: LonLat, b: LonLat): number {
	const r = Math.PI / 180;
	const s =
		Math.sin(((b[1] - a[1]) * r) / 2) ** 2 +
		Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
	return 2 * 6371.0088 * Math.asin(Math.sqrt(s));
}

describe('committing registers to tasks over REST', () => {
	let server: TestServer;
	const as: Record<string, TestSession> = {};

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' }, { dataDir: tempDataDir('sitroom-dispatch-') });
		for (const u of ['commander', 'chaotian', 'datan', 'field1', 'leader']) as[u] = await server.login(u);
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const byCode = async (register: string, code: string): Promise<RegisterRow> => {
		const list = await call<RegisterList>(
			server.url,
			as.commander!,
			'GET',
			`/api/registers/${register}?q=${encodeURIComponent(code)}`
		);
		const row = list.body.rows.find((r) => r.code === code);
		if (!row) throw new Error(`no ${register} ${code}`);
		return row;
	};
	const addTask = async (id: string, over: Record<string, unknown> = {}) => {
		const room = await server.registry.open(DEMO);
		await room.change((doc) =>
			new IncidentDoc(doc).addTask(id, {
				title: `任务 ${id}`,
				description: '',
				assigneeOrgId: 'command-centre',
				township: null,
				priority: 'high',
				dueAt: null,
				location: null,
				status: 'dispatched',
				statusReason: '',
				createdBy: 'system',
				ownerOrgId: 'command-centre',
				createdAt: new Date().toISOString(),
				updates: [],
				...over
			} as never)
		);
	};
	const setTask = async (id: string, fields: Record<string, unknown>) => {
		const room = await server.registry.open(DEMO);
		await room.change((doc) => new IncidentDoc(doc).patch('tasks', id, fields as never));
	};
	const taskOf = async (id: string) =>
		new IncidentDoc((await server.registry.open(DEMO)).doc).read<{ assigneeOrgId: string }>('tasks', id);
	const commit = (who: string, body: Record<string, unknown>, incident = DEMO) =>
		call<{ commitment: CommitmentEntry } & Refusal>(
			server.url,
			as[who]!,
			'POST',
			`/api/incidents/${incident}/commitments`,
			body
		);
	const release = async (who: string, id: string) => {
		const res = await fetch(`${server.url}/api/incidents/${DEMO}/commitments/${id}`, {
			method: 'DELETE',
			headers: as[who]!.headers
		});
		return { status: res.status, body: (res.status === 204 ? {} : await res.json()) as Refusal };
	};
	const nearby = (query: string, who = 'commander') =>
		call<NearbyAnswer & Refusal>(server.url, as[who]!, 'GET', `/api/registers/nearby?${query}`);

	it('lists free teams, equipment and shelters near a point, nearest first, with the distance computed on the server', async () => {
		const shelter = await byCode('shelters', 'SHL-510812100');
		const at: LonLat = [shelter.lon!, shelter.lat!];
		const res = await nearby(`lon=${at[0]}&lat=${at[1]}&radiusKm=15&limit=50`, 'leader');
		expect(res.status).toBe(200);
		const { teams, equipment, shelters } = res.body;
		expect(teams.length).toBeGreaterThan(0);
		expect(equipment.length).toBeGreaterThan(0);
		expect(shelters[0]?.row.code).toBe('SHL-510812100');
		expect(shelters[0]?.distanceKm).toBe(0);
		for (const list of [teams, equipment, shelters]) {
			const d = list.map((e) => e.distanceKm);
			expect(d).toEqual([...d].sort((x, y) => x - y));
			for (const e of list) {
				expect(e.distanceKm).toBeLessThanOrEqual(15);
				expect(Math.abs(e.distanceKm - km(at, [e.row.lon!, e.row.lat!]))).toBeLessThan(0.01);
				expect(e.free).toBeGreaterThan(0);
			}
		}
		expect(teams.every((e) => e.row.availability === 'standby')).toBe(true);
		expect(shelters[0]?.free).toBe((shelter.data.capacity as number) - (shelter.data.occupancy as number));
		// A smaller radius lists fewer, never more.
		const close = await nearby(`lon=${at[0]}&lat=${at[1]}&radiusKm=1&limit=50`);
		expect(close.body.shelters.length).toBeLessThanOrEqual(shelters.length);
		expect(close.body.teams.every((e) => e.distanceKm <= 1)).toBe(true);
	});

	it('takes the point from a task’s place, and names a task without one', async () => {
		const shelter = await byCode('shelters', 'SHL-510812109');
		await addTask('task-near-placed', { location: [shelter.lon, shelter.lat] });
		await addTask('task-near-unplaced');
		const placed = await nearby(`incident=${DEMO}&task=task-near-placed&radiusKm=10`);
		expect(placed.status).toBe(200);
		expect(placed.body.point).toEqual([shelter.lon, shelter.lat]);
		expect(placed.body.shelters[0]?.row.code).toBe('SHL-510812109');
		const unplaced = await nearby(`incident=${DEMO}&task=task-near-unplaced`);
		expect([unplaced.status, unplaced.body.error]).toEqual([400, 'task-has-no-place']);
		const missing = await nearby(`incident=${DEMO}&task=no-such-task`);
		expect([missing.status, missing.body.error]).toEqual([404, 'task-not-found']);
		const noPoint = await nearby('radiusKm=5');
		expect(noPoint.status).toBe(400);
		const hidden = await nearby(`incident=inc-nope&task=x`);
		expect([hidden.status, hidden.body.error]).toEqual([404, 'incident-not-found']);
	});

	it('commits a team to a task in one step: the task is assigned to it, the team is 出动中 and no longer free; 待命 again when the task is done', async () => {
		const team = await byCode('teams', 'TEAM-510812105');
		expect([team.availability, team.committed]).toEqual(['standby', 0]);
		await addTask('task-team', { location: [team.lon, team.lat] });
		const res = await commit('commander', { taskId: 'task-team', register: 'teams', rowId: team.id });
		expect(res.status).toBe(201);
		expect(res.body.commitment).toMatchObject({
			taskId: 'task-team',
			register: 'teams',
			code: 'TEAM-510812105',
			quantity: 1,
			byName: '值班指挥长'
		});
		expect((await taskOf('task-team'))?.assigneeOrgId).toBe(team.ownerOrgId);
		const out = await byCode('teams', 'TEAM-510812105');
		expect([out.availability, out.committed]).toEqual(['deployed', 1]);
		const near = await nearby(`incident=${DEMO}&task=task-team&radiusKm=20&limit=100`);
		expect(near.body.teams.map((e) => e.row.code)).not.toContain('TEAM-510812105');
		// Committed once: a second commitment is refused by name, saying where it is.
		await addTask('task-team-2');
		const again = await commit('commander', { taskId: 'task-team-2', register: 'teams', rowId: team.id });
		expect([again.status, again.body.error]).toEqual([409, 'resource-not-free']);
		expect(again.body.message).toContain('task-team');
		// What is committed where, in the incident and across incidents.
		const where = await call<CommitmentList>(
			server.url,
			as.leader!,
			'GET',
			`/api/incidents/${DEMO}/commitments`
		);
		expect(where.body.commitments.filter((c) => c.code === 'TEAM-510812105')).toHaveLength(1);
		const all = await call<CommitmentList>(server.url, as.commander!, 'GET', '/api/registers/commitments');
		expect(all.body.commitments.some((c) => c.id === res.body.commitment.id)).toBe(true);
		// The row's history keeps the commitment, by whom.
		const history = await call<{ changes: RegisterChangeEntry[] }>(
			server.url,
			as.commander!,
			'GET',
			`/api/registers/teams/${team.id}/history`
		);
		expect(history.body.changes[0]).toMatchObject({ action: 'commit', byName: '值班指挥长' });

		await setTask('task-team', { status: 'done' });
		expect((await byCode('teams', 'TEAM-510812105')).availability).toBe('standby');
		const after = await call<CommitmentList>(
			server.url,
			as.leader!,
			'GET',
			`/api/incidents/${DEMO}/commitments`
		);
		expect(after.body.commitments.some((c) => c.code === 'TEAM-510812105')).toBe(false);
	});

	it('commits equipment by the item, refuses more than is free, and releases it once', async () => {
		const boats = await byCode('equipment', 'EQ-001');
		const quantity = boats.data.quantity as number;
		await addTask('task-boats');
		const first = await commit('commander', {
			taskId: 'task-boats',
			register: 'equipment',
			rowId: boats.id,
			quantity: 1
		});
		expect(first.status).toBe(201);
		expect((await byCode('equipment', 'EQ-001')).committed).toBe(1);
		const tooMany = await commit('commander', {
			taskId: 'task-boats',
			register: 'equipment',
			rowId: boats.id,
			quantity
		});
		expect([tooMany.status, tooMany.body.error]).toEqual([409, 'not-enough-free']);
		const released = await release('commander', first.body.commitment.id!);
		expect(released.status).toBe(204);
		expect((await byCode('equipment', 'EQ-001')).committed).toBe(0);
		const twice = await release('commander', first.body.commitment.id!);
		expect([twice.status, twice.body.error]).toEqual([409, 'commitment-released']);
		const unknown = await release('commander', 'nope');
		expect([unknown.status, unknown.body.error]).toEqual([404, 'commitment-not-found']);
		// Equipment under repair is not free at all.
		const phone = await byCode('equipment', 'EQ-002');
		const { code, name, township, ownerOrgId, lon, lat, demo, data } = phone;
		const patched = await call(server.url, as.commander!, 'PATCH', `/api/registers/equipment/${phone.id}`, {
			row: { code, name, township, ownerOrgId, lon, lat, demo, data: { ...data, status: 'repair' } },
			version: phone.version
		});
		expect(patched.status).toBe(200);
		const repair = await commit('commander', {
			taskId: 'task-boats',
			register: 'equipment',
			rowId: phone.id
		});
		expect([repair.status, repair.body.error]).toEqual([409, 'resource-not-free']);
	});

	it('names every other refusal: a task done, unknown, a team of another township, a field member, a viewer', async () => {
		const team = await byCode('teams', 'TEAM-510812109');
		const own = await byCode('teams', 'TEAM-510812100');
		await addTask('task-refusals', { ownerOrgId: 'twp-510812100', createdBy: 'system' });
		const other = await commit('chaotian', { taskId: 'task-refusals', register: 'teams', rowId: team.id });
		expect([other.status, other.body.error]).toEqual([403, 'commit-not-allowed']);
		const field = await commit('field1', { taskId: 'task-refusals', register: 'teams', rowId: own.id });
		expect([field.status, field.body.error]).toEqual([403, 'commit-not-allowed']);
		const viewer = await commit('leader', { taskId: 'task-refusals', register: 'teams', rowId: own.id });
		expect(viewer.status).toBe(403);
		const missing = await commit('commander', { taskId: 'nope', register: 'teams', rowId: own.id });
		expect([missing.status, missing.body.error]).toEqual([404, 'task-not-found']);
		const noRow = await commit('commander', { taskId: 'task-refusals', register: 'teams', rowId: 'nope' });
		expect([noRow.status, noRow.body.error]).toEqual([404, 'register-row-not-found']);
		const badRegister = await commit('commander', {
			taskId: 'task-refusals',
			register: 'shelters',
			rowId: own.id
		});
		expect(badRegister.status).toBe(400);
		await setTask('task-refusals', { status: 'cancelled', statusReason: '取消' });
		const done = await commit('commander', { taskId: 'task-refusals', register: 'teams', rowId: own.id });
		expect([done.status, done.body.error]).toEqual([409, 'task-not-open']);
	});

	it('lets a township officer commit their own township’s squad to their task, and says where a busy one is', async () => {
		const own = await byCode('teams', 'TEAM-510812101');
		// 大滩镇's squad is out on the demo incident: its work there is finished first.
		const room = await server.registry.open(DEMO);
		await room.change((doc) => {
			const incident = new IncidentDoc(doc);
			for (const t of incident.list<{ assigneeOrgId: string }>('tasks'))
				if (t.assigneeOrgId === own.ownerOrgId) incident.patch('tasks', t.id, { status: 'done' } as never);
		});
		expect((await byCode('teams', 'TEAM-510812101')).availability).toBe('standby');
		await addTask('task-own', { ownerOrgId: 'twp-510812101', assigneeOrgId: 'twp-510812101' });
		const res = await commit('datan', { taskId: 'task-own', register: 'teams', rowId: own.id });
		expect([res.status, res.body.message]).toEqual([201, undefined]);
		expect((await taskOf('task-own'))?.assigneeOrgId).toBe('twp-510812101-squad');
		// 朝天镇's squad is out on the demo incident's tasks (assigned in the room, no commitment).
		const busy = await byCode('teams', 'TEAM-510812100');
		expect(busy.availability).toBe('deployed');
		await addTask('task-own-2', { ownerOrgId: 'twp-510812100', assigneeOrgId: 'twp-510812100' });
		const refused = await commit('chaotian', { taskId: 'task-own-2', register: 'teams', rowId: busy.id });
		expect([refused.status, refused.body.error]).toEqual([409, 'resource-not-free']);
		expect(refused.body.message).toContain('out on');
		const where = await call<CommitmentList>(
			server.url,
			as.leader!,
			'GET',
			`/api/incidents/${DEMO}/commitments`
		);
		expect(where.body.commitments.find((c) => c.code === 'TEAM-510812100')).toMatchObject({ id: null });
	});
});
