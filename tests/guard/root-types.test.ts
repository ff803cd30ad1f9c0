/**
 * Regression (security review item 6): Yjs replaces a root with a typed instance the first time
 * someone asks for it with a type after it was created untyped by loading updates. The inspector
 * cached root types per document and rebuilt only when their number changed, so once a hook typed
 * the feeds root after a reload, every edit of an existing feed was refused ("unknown root type").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { actors, feed, TOWNSHIP_A } from './fixtures.ts';
import { startHarness, type Harness } from './room-harness.ts';

describe('root types after a reload', () => {
	let h: Harness;
	afterEach(async () => {
		await h?.dispose();
	});

	it('lets a member edit an existing feed after the room reloads and a hook types its root', async () => {
		h = await startHarness();
		const commander = await h.join(actors.commander);
		expect(
			await commander.change((d) => {
				d.addFeed('feed-1', feed(actors.commander));
				d.setFigure(TOWNSHIP_A, 'dead', 0);
			})
		).toEqual({ ok: true });
		await h.restart();
		const again = await h.join(actors.commander);
		// An edit elsewhere that adds no root: the guard reads the roots once, and their number stays.
		expect(await again.change((d) => d.setFigure(TOWNSHIP_A, 'dead', 1))).toEqual({ ok: true });
		// A hook asks for the feeds root with its type, as the feed health monitor does.
		h.room.doc.getMap('feeds');
		expect(await again.change((d) => d.patch('feeds', 'feed-1', { name: '沙河镇滑坡点（改）' }))).toEqual({
			ok: true
		});
		expect(await again.change((d) => d.remove('feeds', 'feed-1'))).toEqual({ ok: true });
	});
});
