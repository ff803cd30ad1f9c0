/**
 * The demo incident (demo mode only, first run on an empty store), from the jurisdiction's demo
 * scenario (demo-scenario.ts; Chaotian's is jurisdiction/chaotian/demo-incident.json): something
 * for people, screenshots and tests to open straight away.
 *
 * Everything is written through the room's durable pipeline as changes made for the demo users
 * (one change per entry of the scenario), and every entity satisfies the guard's attribution
 * rules: createdBy is its author and ownerOrgId the author's organisation.
 */
import { IncidentDoc } from '#domain/incident-doc';
import type { FigureKey } from '#domain/vocabulary';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { DemoChange, DemoScenario } from './demo-scenario.ts';
import type { IncidentIndex } from './incident-index.ts';
import { openIncident } from './open-incident.ts';

export interface DemoUserRef {
	id: string;
	orgId: string;
}

const MIN = 60_000;

export interface SeedDemoDeps {
	registry: RoomRegistry;
	index: IncidentIndex;
	userByUsername: (username: string) => Promise<DemoUserRef | undefined>;
	log: Logger;
	now?: number;
}

/** Turns a scenario's minute into a time: minutes after a start on a 5-minute mark. */
type Clock = (minutes: number) => string;

/**
 * Creates the demo incident if the index is empty and every author of the scenario exists.
 * Returns whether it did. Safe to call at every start: a second run, or a store with real
 * incidents, is left alone.
 */
export async function seedDemoIncident(deps: SeedDemoDeps, scenario: DemoScenario): Promise<boolean> {
	if ((await deps.index.count()) > 0) return false;
	const users = new Map<string, DemoUserRef>();
	for (const u of [scenario.incident.openedBy, ...scenario.changes.map((c) => c.by)]) {
		const ref = await deps.userByUsername(u);
		if (!ref) {
			deps.log.info({ missing: u }, 'demo incident not created: no demo account of that name');
			return false;
		}
		users.set(u, ref);
	}
	const now = deps.now ?? Date.now();
	const t0 = Math.floor((now - scenario.startedMinutesAgo * MIN) / (5 * MIN)) * 5 * MIN;
	const at: Clock = (minutes) => new Date(t0 + minutes * MIN).toISOString();

	const { openedBy, occurredAt, ...meta } = scenario.incident;
	const opener = users.get(openedBy)!;
	await openIncident(
		deps,
		{ ...meta, occurredAt: at(occurredAt) },
		{ userId: opener.id, orgId: opener.orgId },
		scenario.id
	);
	const room = await deps.registry.open(scenario.id);
	// Each author's change is queued at once (the room applies them in order, in one group commit)
	// and awaited together: waiting for each to reach the disk would cost a sync interval apiece.
	await Promise.all(
		scenario.changes.map((change) => {
			const by = users.get(change.by)!;
			return room.change((doc) => applyChange(new IncidentDoc(doc), change, by, at), {
				userId: by.id,
				orgId: by.orgId
			});
		})
	);
	deps.log.info({ incident: scenario.id }, 'demo incident created');
	return true;
}

function applyChange(d: IncidentDoc, change: DemoChange, by: DemoUserRef, at: Clock): void {
	const authored = (minutes: number) => ({ createdBy: by.id, ownerOrgId: by.orgId, createdAt: at(minutes) });
	for (const [id, e] of Object.entries(change.log ?? {}))
		d.addLogEntry(id, { ...e, ...authored(e.createdAt) });
	for (const [township, figures] of Object.entries(change.figures ?? {})) {
		for (const [key, value] of Object.entries(figures)) d.setFigure(township, key as FigureKey, value);
	}
	for (const [id, a] of Object.entries(change.annotations ?? {}))
		d.addAnnotation(id, { ...a, ...authored(a.createdAt) });
	for (const [id, t] of Object.entries(change.tasks ?? {})) {
		d.addTask(id, { ...t, dueAt: t.dueAt === null ? null : at(t.dueAt), ...authored(t.createdAt) });
	}
	for (const [id, f] of Object.entries(change.feeds ?? {})) d.addFeed(id, { ...f, ...authored(f.createdAt) });
	if (change.wall) d.wall.push(change.wall);
	for (const { task, at: minutes, ...u } of change.taskUpdates ?? []) {
		d.addTaskUpdate(task, { ...u, by: by.id, orgId: by.orgId, at: at(minutes) });
	}
	for (const [id, status] of Object.entries(change.taskStatus ?? {})) d.patch('tasks', id, { status });
	if (change.position)
		d.positions.set(by.id, { lonLat: change.position.lonLat, orgId: by.orgId, at: at(change.position.at) });
}
