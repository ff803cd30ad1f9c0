/**
 * What a test of a refused change expects, whichever way the server refuses it: whole (the update
 * is not applied: malformed, hostile in shape, a read-only role, someone else's client id), or
 * accepted with every refused change undone by the server in the same drain (accept and
 * compensate). Either way the room, the author and everyone else hold what they held before,
 * nobody else ever holds the refused value (they get the update and its undoing as one frame, or
 * nothing), and an undone change has its refusal record.
 */
import { expect } from 'vitest';
import type { FrameResult } from '../../server/rooms/frame-result.ts';
import type { RefusedChange } from '../../src/lib/domain/protocol.ts';
import { contentOf } from './fixtures.ts';
import type { Harness, TestClient } from './room-harness.ts';

export interface RefusedOutcome {
	/** The changes undone (accept and compensate); null when the update was refused whole. */
	undone: readonly RefusedChange[] | null;
	/** The whole refusal's or the undone changes' reasons. */
	reasons: string[];
}

export async function expectRefused(
	h: Harness,
	author: TestClient,
	observer: TestClient,
	send: () => Promise<FrameResult>
): Promise<RefusedOutcome> {
	const before = contentOf(h.room.doc);
	const heard = observer.received.length;
	const r = await send();
	expect(contentOf(h.room.doc)).toEqual(before);
	expect(contentOf(observer.doc)).toEqual(before);
	// The author holds the server's document again: resynced after a whole refusal, or given the undoing.
	expect(contentOf(author.doc)).toEqual(before);
	if (!r.ok) {
		expect(r.close.reason).toBe('forbidden');
		expect(observer.received.length).toBe(heard);
		expect(author.refusals.at(-1)?.reason).toBe('forbidden');
		return { undone: null, reasons: [r.close.reason === 'forbidden' ? author.refusals.at(-1)!.message : ''] };
	}
	// Accepted: at most one frame for the update and its undoing, merged.
	expect(observer.received.length - heard).toBeLessThanOrEqual(1);
	const undone = r.refused ?? [];
	expect(undone.length).toBeGreaterThan(0);
	const records = await h.refusals.ofIncident(h.room.name);
	for (const u of undone) {
		expect(records.find((rec) => rec.id === u.id)).toMatchObject({
			collection: u.collection,
			entityId: u.entityId,
			field: u.field,
			op: u.op,
			reason: u.reason,
			userId: author.identity?.userId ?? null
		});
	}
	return { undone, reasons: undone.map((u) => u.reason) };
}
