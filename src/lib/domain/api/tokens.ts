/**
 * POST /api/tokens: a short-lived token for the y-websocket endpoint (`/yjs/<room>?token=…`),
 * optionally limited to one room, for scripts and standard Yjs clients that cannot send the
 * session cookie.
 */
import { z } from 'zod';
import { isValidRoomName } from '../protocol.ts';

export const RealtimeTokenRequestSchema = z
	.object({ room: z.string().refine(isValidRoomName, 'not a valid room name').optional() })
	.strict()
	.optional();
export type RealtimeTokenRequest = z.infer<typeof RealtimeTokenRequestSchema>;

export const RealtimeTokenSchema = z.object({
	token: z.string(),
	/** Epoch milliseconds. */
	expiresAt: z.number(),
	ttlMs: z.number(),
	room: z.string().optional()
});
export type RealtimeToken = z.infer<typeof RealtimeTokenSchema>;
