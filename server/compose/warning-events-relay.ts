/**
 * Several nodes: the warnings' page events (GET /api/warnings/events) cross nodes over Redis, on
 * `<prefix>:warning-events`. An event raised on one node goes to its own streams at once and to
 * every other node, which delivers it to its streams (never twice to the same page: a node
 * ignores its own messages) and pokes its escalation clock and webhook outbox, so that a deadline
 * set on another node is watched here too (the claims in the database keep each escalation and
 * each webhook delivery to one node). Redis away never blocks or fails a warning's step: it is
 * in PostgreSQL already; after the Redis connection came back, this node's streams are ended so
 * their pages reconnect and re-read what they show.
 */
import { z } from 'zod';
import { WarningEventSchema } from '#domain/api/warnings';
import { NodeBroadcast } from '../cluster/node-broadcast.ts';
import type { Logger } from '../log.ts';
import type { WarningParts } from '../warnings/setup.ts';
import type { ClusterParts } from './cluster.ts';

const Message = z.object({
	event: WarningEventSchema,
	audience: z.object({
		issuerOrgId: z.string(),
		targetOrgIds: z.array(z.string())
	})
});
type Message = z.infer<typeof Message>;

export async function relayWarningEvents(
	cluster: ClusterParts,
	warnings: WarningParts,
	log: Logger
): Promise<{ close(): Promise<void> }> {
	const relayLog = log.child({ module: 'warning-events' });
	let lastError = 0;
	const broadcast = await NodeBroadcast.open<Message>({
		relay: cluster.relay,
		node: cluster.cluster.node,
		name: 'warning-events',
		parse: (payload) => {
			const m = Message.safeParse(payload);
			return m.success ? m.data : null;
		},
		receive: ({ event, audience }) => {
			warnings.events.deliver(event, audience);
			void warnings.escalation.poke();
			void warnings.webhooks.poke();
		},
		onError: (err) => {
			if (Date.now() - lastError < 1000) return;
			lastError = Date.now();
			relayLog.warn({ err: String(err) }, 'a warning event was not sent to the other nodes');
		}
	});
	warnings.events.relayTo((event, audience) =>
		broadcast.send({ event, audience: { ...audience, targetOrgIds: [...audience.targetOrgIds] } })
	);
	cluster.relay.onReconnect(() => {
		relayLog.info('Redis reconnected: warning event streams end so their pages re-read');
		warnings.events.resync();
	});
	return {
		async close() {
			warnings.events.relayTo(null);
			await broadcast.close();
		}
	};
}
