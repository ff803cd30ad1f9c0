/**
 * The warnings issued for an incident, mirrored into its document by the server: no member, not
 * even a commander, creates, edits or removes one (the guard refuses it as it refuses feed
 * health), while a change the server makes through the room's pipeline is stored and reaches
 * everyone. The collection is one entry of the schema (src/lib/domain/schema.ts) plus the
 * policy's sentence for it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IncidentDoc, type Warning } from '../../src/lib/domain/incident-doc.ts';
import { actors, type ActorName } from './fixtures.ts';
import { expectRefused } from './refused-change.ts';
import { startHarness, type Harness, type TestClient } from './room-harness.ts';

const SERVER_ONLY = /^warnings are written by the server only/;

const warning = (extra: Partial<Warning> = {}): Warning => ({
	title: '嘉陵江朝天段洪水红色预警',
	level: 'red',
	kind: 'warning',
	issuedAt: '2024-07-01T08:00:00+08:00',
	expiresAt: null,
	status: 'active',
	targetCount: 120,
	acknowledgedCount: 0,
	...extra
});

describe('the warnings mirror', () => {
	let h: Harness;
	let observer: TestClient;

	beforeEach(async () => {
		h = await startHarness();
		observer = await h.join(actors.viewer);
		await h.room.change((doc) => new IncidentDoc(doc).addEntity('warnings', 'w-1', warning()));
	});

	afterEach(async () => {
		await h?.dispose();
	});

	/** Sends the change and expects it refused as server-only, unseen by others and unstored. */
	async function refused(name: ActorName, fn: (d: IncidentDoc) => void): Promise<void> {
		const c = await h.join(actors[name]);
		Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(h.room.doc), 'server');
		// Refused whole or undone at once (accept and compensate): see refused-change.ts.
		const { reasons } = await expectRefused(h, c, observer, () => c.change(fn));
		for (const reason of reasons) expect(reason).toMatch(SERVER_ONLY);
	}

	it('refuses a commander issuing, editing or withdrawing a warning in the room', async () => {
		await refused('commander', (d) => d.addEntity('warnings', 'w-2', warning({ level: 'orange' })));
		await refused('commander', (d) => d.patch('warnings', 'w-1', { acknowledgedCount: 120 }));
		await refused('commander', (d) => d.patch('warnings', 'w-1', { status: 'lifted' }));
		await refused('commander', (d) => d.remove('warnings', 'w-1'));
	});

	it('refuses every other writing role too, and a malformed warning as a warning, not for its shape', async () => {
		for (const name of ['agency', 'townshipA', 'fieldA'] as const) {
			await refused(name, (d) => d.addEntity('warnings', `w-${name}`, warning()));
		}
		await refused('commander', (d) =>
			d.addEntity('warnings', 'w-bad', warning({ level: 'purple' as Warning['level'] }))
		);
	});

	it('stores and shows everyone a warning the server mirrors in, and its later changes', async () => {
		const heard = observer.received.length;
		await h.room.change((doc) =>
			new IncidentDoc(doc).patch('warnings', 'w-1', { acknowledgedCount: 37, status: 'lifted' })
		);
		expect(observer.received.length).toBeGreaterThan(heard);
		const seen = new IncidentDoc(observer.doc).read<Warning>('warnings', 'w-1');
		expect(seen).toEqual(warning({ acknowledgedCount: 37, status: 'lifted' }));
		await h.restart();
		expect(new IncidentDoc(h.room.doc).read<Warning>('warnings', 'w-1')).toEqual(seen);
	});
});
