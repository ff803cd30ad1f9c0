import { describe, expect, it } from 'vitest';
import { Close } from '../../src/lib/domain/protocol.ts';
import { silentLogger } from '../../server/log.ts';
import { Refusal } from '../../server/rooms/refusal.ts';
import { RoomRegistry } from '../../server/rooms/registry.ts';
import { MemoryDocStore } from '../../server/store/memory-doc-store.ts';

describe('room registry', () => {
	// Regression: a client that reconnected while the server was stopping was refused as
	// 'room-not-found', took that as final and never came back after the restart.
	it('refuses a join during shutdown as server-shutting-down, which clients come back after', async () => {
		const registry = new RoomRegistry({
			store: new MemoryDocStore(),
			hooks: [],
			limits: { maxMessageBytes: 1 << 20, maxAwarenessStateBytes: 4096, snapshotEvery: 100 },
			idleUnloadMs: 60_000,
			log: silentLogger()
		});
		await registry.shutdown();
		const err = await registry.open('any').catch((e: unknown) => e);
		expect(err).toBeInstanceOf(Refusal);
		expect((err as Refusal).close).toEqual(Close.ShuttingDown);
	});
});
