/**
 * Property: whatever mix of allowed and forbidden edits several users send, the server's
 * document after every step equals a reference document that received only the edits the
 * policy allows. The reference decision is made by asking the policy directly about each
 * intended edit (not by the guard), so a guard that lets a forbidden edit through, or refuses
 * an allowed one, breaks the equality.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Actor } from '../../src/lib/domain/actor.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { can, mayChangeIncident, whyNotSetField, type EntityFacts } from '../../src/lib/domain/policy.ts';
import {
	checkFieldRemoval,
	checkFieldValue,
	checkRequiredFields
} from '../../src/lib/domain/policy/values.ts';
import type { EntityCollection, TaskUpdate } from '../../src/lib/domain/incident-doc.ts';
import { FIGURE_KEYS } from '../../src/lib/domain/vocabulary.ts';
import {
	actors,
	annotation,
	contentOf,
	feed,
	NOW,
	orgs,
	task,
	TOWNSHIP_A,
	TOWNSHIP_B,
	type ActorName
} from './fixtures.ts';
import { startHarness } from './room-harness.ts';

// The commander twice: closing, reopening and corrections in a closed incident are theirs alone.
const USERS: ActorName[] = [
	'commander',
	'commander',
	'agency',
	'townshipA',
	'townshipB',
	'fieldA',
	'fieldB',
	'viewer'
];
const TASKS = ['t-a', 't-b', 't-w'];
const ANNOTATIONS = ['an-1', 'an-2', 'an-3'];

type Edit =
	| { kind: 'status'; task: string; to: string }
	| { kind: 'assign'; task: string; to: string }
	| { kind: 'figure'; township: string; key: string; value: number }
	| { kind: 'annotate'; id: string; observation: boolean }
	| { kind: 'relabel'; id: string; label: string }
	| { kind: 'unannotate'; id: string }
	| { kind: 'close' }
	| { kind: 'reopen' }
	| { kind: 'retag'; task: string; township: string | null }
	| { kind: 'retitle'; task: string; title: string }
	/** A status move (or none) with a progress update that records a move (or none). */
	| { kind: 'report'; task: string; to: string | null; claim: string | null }
	| { kind: 'block'; task: string; reason: string }
	| { kind: 'unreason'; task: string }
	| { kind: 'unplace'; id: string }
	| { kind: 'feed'; credentials: boolean };

const edit: fc.Arbitrary<Edit> = fc.oneof(
	fc.record({
		kind: fc.constant('status' as const),
		task: fc.constantFrom(...TASKS),
		to: fc.constantFrom('accepted', 'in_progress', 'done', 'new')
	}),
	fc.record({
		kind: fc.constant('assign' as const),
		task: fc.constantFrom(...TASKS),
		to: fc.constantFrom('team-a', 'team-b', 'water-team')
	}),
	fc.record({
		kind: fc.constant('figure' as const),
		township: fc.constantFrom(TOWNSHIP_A, TOWNSHIP_B),
		key: fc.constantFrom(...FIGURE_KEYS),
		value: fc.nat(100)
	}),
	fc.record({
		kind: fc.constant('annotate' as const),
		id: fc.constantFrom(...ANNOTATIONS),
		observation: fc.boolean()
	}),
	fc.record({
		kind: fc.constant('relabel' as const),
		id: fc.constantFrom(...ANNOTATIONS),
		label: fc.string({ maxLength: 8 })
	}),
	fc.record({ kind: fc.constant('unannotate' as const), id: fc.constantFrom(...ANNOTATIONS) }),
	// Closing and reopening come up more than other edits: only a commander's count, and a run
	// should spend some steps in each state.
	{ arbitrary: fc.record({ kind: fc.constant('close' as const) }), weight: 3 },
	{ arbitrary: fc.record({ kind: fc.constant('reopen' as const) }), weight: 3 },
	fc.record({
		kind: fc.constant('retag' as const),
		task: fc.constantFrom(...TASKS),
		township: fc.constantFrom(TOWNSHIP_A, TOWNSHIP_B, null)
	}),
	fc.record({
		kind: fc.constant('retitle' as const),
		task: fc.constantFrom(...TASKS),
		title: fc.constantFrom('转移群众（更新）', '', '  ')
	}),
	fc.record({
		kind: fc.constant('report' as const),
		task: fc.constantFrom(...TASKS),
		to: fc.constantFrom(null, 'accepted', 'in_progress', 'done'),
		claim: fc.constantFrom(null, 'accepted', 'in_progress', 'done')
	}),
	fc.record({
		kind: fc.constant('block' as const),
		task: fc.constantFrom(...TASKS),
		reason: fc.constantFrom('道路塌方', '')
	}),
	fc.record({ kind: fc.constant('unreason' as const), task: fc.constantFrom(...TASKS) }),
	fc.record({ kind: fc.constant('unplace' as const), id: fc.constantFrom(...ANNOTATIONS) }),
	fc.record({ kind: fc.constant('feed' as const), credentials: fc.boolean() })
);

const FEED_URLS = { clean: 'rtsp://10.0.0.8/stream1', credentials: 'rtsp://admin:12345@10.0.0.8/stream1' };

let nextId = 0;

/** The progress update an edit adds, as the author writes it. */
function progressOf(actor: Actor, claim: string | null): TaskUpdate {
	return {
		id: `p-${++nextId}`,
		by: actor.userId,
		orgId: actor.orgId,
		at: NOW,
		text: '进展',
		...(claim ? { status: claim as TaskUpdate['status'] } : {})
	};
}

/** Applies the edit to `d` if it makes sense there; returns false if it does not (nothing to do). */
function apply(d: IncidentDoc, actor: Actor, e: Edit): boolean {
	switch (e.kind) {
		case 'status':
		case 'assign':
			if (!d.tasks.has(e.task)) return false;
			d.patch('tasks', e.task, e.kind === 'status' ? { status: e.to } : { assigneeOrgId: e.to });
			return true;
		case 'figure':
			d.setFigure(e.township, e.key as (typeof FIGURE_KEYS)[number], e.value);
			return true;
		case 'annotate':
			d.addAnnotation(e.id, annotation(actor, { kind: e.observation ? 'observation' : 'danger_zone' }));
			return true;
		case 'relabel':
			if (!d.annotations.has(e.id)) return false;
			d.patch('annotations', e.id, { label: e.label });
			return true;
		case 'unannotate':
			if (!d.annotations.has(e.id)) return false;
			d.remove('annotations', e.id);
			return true;
		case 'close':
			d.setMeta({ status: 'closed' });
			return true;
		case 'reopen':
			d.setMeta({ status: 'active' });
			return true;
		case 'retag':
			d.patch('tasks', e.task, { township: e.township });
			return true;
		case 'retitle':
			d.patch('tasks', e.task, { title: e.title });
			return true;
		case 'report':
			if (e.to !== null) d.patch('tasks', e.task, { status: e.to });
			d.addTaskUpdate(e.task, progressOf(actor, e.claim));
			return true;
		case 'block':
			d.patch('tasks', e.task, { status: 'blocked', statusReason: e.reason });
			return true;
		case 'unreason':
			d.tasks.get(e.task)!.delete('statusReason');
			return true;
		case 'unplace':
			d.annotations.get(e.id)!.delete('geometry');
			return true;
		case 'feed':
			d.addFeed(
				`f-${++nextId}`,
				feed(actor, { url: e.credentials ? FEED_URLS.credentials : FEED_URLS.clean })
			);
			return true;
	}
}

function applicable(d: IncidentDoc, e: Edit): boolean {
	switch (e.kind) {
		case 'status':
		case 'assign':
		case 'retag':
		case 'retitle':
		case 'report':
		case 'block':
			return d.tasks.has(e.task);
		// Removing a field that is not there changes nothing.
		case 'unreason':
			return d.tasks.get(e.task)?.has('statusReason') ?? false;
		case 'unplace':
			return d.annotations.get(e.id)?.has('geometry') ?? false;
		case 'relabel':
		case 'unannotate':
			return d.annotations.has(e.id);
		default:
			return true;
	}
}

/** The value checks and the policy on setting (or, with `undefined`, removing) fields of an entity. */
function maySet(
	actor: Actor,
	collection: EntityCollection,
	before: EntityFacts,
	fields: Record<string, unknown>
): boolean {
	const after = { ...before, ...fields };
	return Object.entries(fields).every(
		([field, value]) =>
			(value === undefined
				? checkFieldRemoval(collection, field)
				: checkFieldValue(collection, field, value)) === null &&
			whyNotSetField(actor, collection, before, field, value, after, orgs) === null
	);
}

/** The value checks and the policy on creating an entity. */
function mayCreate(actor: Actor, collection: EntityCollection, entity: Record<string, unknown>): boolean {
	return (
		checkRequiredFields(collection, entity) === null &&
		Object.entries(entity).every(([field, value]) => checkFieldValue(collection, field, value) === null) &&
		can(actor, 'create', { collection, entity }, orgs)
	);
}

/** The policy's own answer for the edit, given the reference document's current state. */
function allowed(ref: IncidentDoc, actor: Actor, e: Edit): boolean {
	const facts = (c: 'tasks' | 'annotations', id: string) => ref.read<Record<string, unknown>>(c, id) ?? {};
	// The incident as it stands before the edit: once closed, only a commander changes it.
	if (!mayChangeIncident(actor, ref.readMeta())) return false;
	switch (e.kind) {
		case 'status':
		case 'assign': {
			const before = facts('tasks', e.task);
			const field = e.kind === 'status' ? 'status' : 'assigneeOrgId';
			return whyNotSetField(actor, 'tasks', before, field, e.to, { ...before, [field]: e.to }, orgs) === null;
		}
		case 'figure':
			return can(actor, 'update', { collection: 'figures', township: e.township }, orgs);
		case 'annotate': {
			const entity: Record<string, unknown> = {
				...annotation(actor, { kind: e.observation ? 'observation' : 'danger_zone' })
			};
			const replaces = ref.annotations.has(e.id);
			return (
				mayCreate(actor, 'annotations', entity) &&
				(!replaces ||
					can(actor, 'delete', { collection: 'annotations', entity: facts('annotations', e.id) }, orgs))
			);
		}
		case 'relabel': {
			const before = facts('annotations', e.id);
			return (
				whyNotSetField(
					actor,
					'annotations',
					before,
					'label',
					e.label,
					{ ...before, label: e.label },
					orgs
				) === null
			);
		}
		case 'unannotate':
			return can(actor, 'delete', { collection: 'annotations', entity: facts('annotations', e.id) }, orgs);
		case 'close':
		case 'reopen':
			return can(actor, 'update', { collection: 'meta' }, orgs);
		case 'retag':
			return maySet(actor, 'tasks', facts('tasks', e.task), { township: e.township });
		case 'retitle':
			return maySet(actor, 'tasks', facts('tasks', e.task), { title: e.title });
		case 'report': {
			const before = facts('tasks', e.task);
			const moves = e.to === null ? {} : { status: e.to };
			const entry = progressOf(actor, e.claim);
			return (
				maySet(actor, 'tasks', before, moves) &&
				can(
					actor,
					'create',
					{ collection: 'taskUpdates', task: { ...before, ...moves }, entry, before },
					orgs
				)
			);
		}
		case 'block':
			return maySet(actor, 'tasks', facts('tasks', e.task), { status: 'blocked', statusReason: e.reason });
		case 'unreason':
			return maySet(actor, 'tasks', facts('tasks', e.task), { statusReason: undefined });
		case 'unplace':
			return maySet(actor, 'annotations', facts('annotations', e.id), { geometry: undefined });
		case 'feed':
			return mayCreate(actor, 'feeds', {
				...feed(actor, { url: e.credentials ? FEED_URLS.credentials : FEED_URLS.clean })
			});
	}
}

/** More runs once before a change to the schema or the policy: GUARD_PROPERTY_RUNS=1000 (about a minute). */
const RUNS = Number(process.env.GUARD_PROPERTY_RUNS ?? 40);

describe('the guard, as a property', () => {
	it(
		'keeps the server document equal to a reference that received only the allowed edits',
		async () => {
			let runs = 0;
			let accepted = 0;
			let refused = 0;
			await fc.assert(
				fc.asyncProperty(
					fc.array(fc.tuple(fc.constantFrom(...USERS), edit), { minLength: 1, maxLength: 25 }),
					async (steps) => {
						runs++;
						const h = await startHarness(`prop-${runs}`);
						try {
							const ref = new Y.Doc();
							const refDoc = new IncidentDoc(ref);
							const cmd = await h.join(actors.commander);
							const seed = (d: IncidentDoc) => {
								d.addTask('t-a', task(actors.commander, 'team-a'));
								d.addTask('t-b', task(actors.commander, 'team-b', { township: TOWNSHIP_B }));
								d.addTask(
									't-w',
									task(actors.commander, 'water-team', { ownerOrgId: 'water', status: 'accepted' })
								);
							};
							expect(await cmd.change(seed)).toEqual({ ok: true });
							Y.applyUpdate(ref, Y.encodeStateAsUpdate(h.room.doc));
							const clients = new Map<ActorName, Awaited<ReturnType<typeof h.join>>>();
							for (const [name, e] of steps) {
								let c = clients.get(name);
								if (!c) clients.set(name, (c = await h.join(actors[name])));
								Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(h.room.doc), 'server');
								const actor = actors[name];
								const ok = allowed(refDoc, actor, e);
								// Edits that make no sense on the current state (no such task) are skipped.
								if (!applicable(c.incident, e)) continue;
								const r = await c.change((d) => void apply(d, actor, e));
								// Taken whole, or refused: whole, or accepted with its refused changes undone at once.
								const taken = r.ok && (r.refused ?? []).length === 0;
								expect(taken, `${name} ${JSON.stringify(e)}`).toBe(ok);
								if (taken) {
									accepted++;
									// Apply the same edit to the reference the way the client did: from the server state.
									Y.applyUpdate(ref, Y.encodeStateAsUpdate(h.room.doc, Y.encodeStateVector(ref)));
								} else refused++;
								expect(contentOf(h.room.doc)).toEqual(contentOf(ref));
							}
							await h.restart();
							expect(contentOf(h.room.doc)).toEqual(contentOf(ref));
						} finally {
							await h.dispose();
						}
					}
				),
				{ numRuns: RUNS }
			);
			// Both kinds of edits were exercised.
			expect(accepted).toBeGreaterThan(20);
			expect(refused).toBeGreaterThan(20);
		},
		Math.max(60_000, RUNS * 1_500)
	);
});
