/**
 * A small organisation tree and one actor per role, for the guard and policy tests. Two
 * townships (A and B), each with a team; a department with a team; the command centre.
 */
import * as Y from 'yjs';
import type { Actor, OrgDirectory, OrgInfo } from '../../src/lib/domain/actor.ts';
import type { Annotation, Feed, LogEntry, Task } from '../../src/lib/domain/incident-doc.ts';
import { INCIDENT_SCHEMA } from '../../src/lib/domain/schema.ts';
import type { PeerIdentity } from '../../server/rooms/peer.ts';

export const TOWNSHIP_A = '510812100';
export const TOWNSHIP_B = '510812101';

const ORGS: OrgInfo[] = [
	{ id: 'cmd', name: '区应急指挥中心', kind: 'command_centre', parentId: null, township: null },
	{ id: 'water', name: '水利局', kind: 'department', parentId: null, township: null },
	{ id: 'water-team', name: '水利抢险队', kind: 'team', parentId: 'water', township: null },
	{ id: 'police', name: '公安分局', kind: 'department', parentId: null, township: null },
	{ id: 'town-a', name: '朝天镇', kind: 'township', parentId: null, township: TOWNSHIP_A },
	{ id: 'team-a', name: '朝天镇应急分队', kind: 'team', parentId: 'town-a', township: TOWNSHIP_A },
	{ id: 'town-b', name: '羊木镇', kind: 'township', parentId: null, township: TOWNSHIP_B },
	{ id: 'team-b', name: '羊木镇应急分队', kind: 'team', parentId: 'town-b', township: TOWNSHIP_B }
];

export const orgs: OrgDirectory = {
	get: (id) => ORGS.find((o) => o.id === id)
};

export const actors = {
	commander: { userId: 'u-cmd', role: 'commander', orgId: 'cmd', township: null },
	agency: { userId: 'u-water', role: 'agency', orgId: 'water', township: null },
	townshipA: { userId: 'u-town-a', role: 'township', orgId: 'town-a', township: TOWNSHIP_A },
	townshipB: { userId: 'u-town-b', role: 'township', orgId: 'town-b', township: TOWNSHIP_B },
	fieldA: { userId: 'u-field-a', role: 'field', orgId: 'team-a', township: TOWNSHIP_A },
	fieldA2: { userId: 'u-field-a2', role: 'field', orgId: 'team-a', township: TOWNSHIP_A },
	fieldB: { userId: 'u-field-b', role: 'field', orgId: 'team-b', township: TOWNSHIP_B },
	viewer: { userId: 'u-viewer', role: 'viewer', orgId: 'cmd', township: null },
	admin: { userId: 'u-admin', role: 'admin', orgId: 'cmd', township: null }
} satisfies Record<string, Actor>;

export type ActorName = keyof typeof actors;

export function identityOf(actor: Actor): PeerIdentity {
	const org = orgs.get(actor.orgId);
	return {
		...actor,
		username: actor.userId,
		displayName: `Name of ${actor.userId}`,
		orgName: org?.name ?? actor.orgId,
		sessionId: null
	};
}

export const NOW = '2024-07-01T08:00:00+08:00';

export function task(by: Actor, assigneeOrgId: string, extra: Partial<Task> = {}): Task {
	return {
		title: '转移群众',
		description: '',
		assigneeOrgId,
		township: TOWNSHIP_A,
		priority: 'high',
		dueAt: null,
		location: [105.89, 32.64],
		status: 'dispatched',
		statusReason: '',
		createdBy: by.userId,
		ownerOrgId: by.orgId,
		createdAt: NOW,
		...extra
	};
}

export function annotation(by: Actor, extra: Partial<Annotation> = {}): Annotation {
	return {
		kind: 'danger_zone',
		label: '滑坡危险区',
		note: '',
		geometry: { type: 'Point', coordinates: [105.9, 32.65] },
		taskIds: [],
		feedIds: [],
		createdBy: by.userId,
		ownerOrgId: by.orgId,
		createdAt: NOW,
		...extra
	};
}

export function logEntry(by: Actor, extra: Partial<LogEntry> = {}): LogEntry {
	return {
		kind: 'follow_up',
		text: '水位上涨',
		createdBy: by.userId,
		ownerOrgId: by.orgId,
		createdAt: NOW,
		...extra
	};
}

export function feed(by: Actor, extra: Partial<Feed> = {}): Feed {
	return {
		name: '沙河镇滑坡点无人机',
		kind: 'drone',
		url: 'https://video.example.cn/live/shahe.m3u8',
		position: [105.9, 32.65],
		createdBy: by.userId,
		ownerOrgId: by.orgId,
		createdAt: NOW,
		...extra
	};
}

/** The update one transaction on `doc` produces. */
export function capture(doc: Y.Doc, fn: () => void): Uint8Array {
	let out: Uint8Array | null = null;
	const h = (u: Uint8Array): void => {
		out = out ? Y.mergeUpdates([out, u]) : u;
	};
	doc.on('update', h);
	try {
		doc.transact(fn);
	} finally {
		doc.off('update', h);
	}
	if (!out) throw new Error('the change produced no update');
	return out;
}

/** Every root of an incident document as JSON (Y.Doc.toJSON shows only roots already opened). */
export function contentOf(doc: Y.Doc): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(INCIDENT_SCHEMA).map(([root, spec]) => [
			root,
			(spec.kind === 'list' ? doc.getArray(root) : doc.getMap(root)).toJSON()
		])
	);
}
