/**
 * Short-lived tokens for the y-websocket endpoint's `?token=` (standard Yjs clients cannot
 * send our cookie from a script). A token is an HMAC-signed claim naming a session and an
 * expiry, optionally one room; it is worth nothing once its session ends, so logout and
 * deactivation revoke tokens too. The key is a stored server secret (secrets.ts), so every node
 * of a cluster and every restart accept the same tokens. Tokens themselves are not stored.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const claimSchema = z.object({ sid: z.string(), exp: z.number(), room: z.string().optional() });
export type RealtimeClaim = z.infer<typeof claimSchema>;

export class RealtimeTokens {
	constructor(
		private readonly key: Buffer,
		readonly ttlMs: number
	) {}

	issue(sessionId: string, room?: string, now = Date.now()): { token: string; expiresAt: number } {
		const claim: RealtimeClaim = { sid: sessionId, exp: now + this.ttlMs, ...(room ? { room } : {}) };
		const body = Buffer.from(JSON.stringify(claim)).toString('base64url');
		return { token: `v1.${body}.${this.#sign(body)}`, expiresAt: claim.exp };
	}

	/** The claim of a well-formed, correctly signed token, or why not. Expiry is checked here. */
	verify(
		token: string,
		now = Date.now()
	): { ok: true; claim: RealtimeClaim } | { ok: false; expired: boolean } {
		const [v, body, sig] = token.split('.');
		if (v !== 'v1' || !body || !sig) return { ok: false, expired: false };
		const expected = Buffer.from(this.#sign(body));
		const given = Buffer.from(sig);
		if (given.length !== expected.length || !timingSafeEqual(given, expected))
			return { ok: false, expired: false };
		let claim: RealtimeClaim;
		try {
			const parsed = claimSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
			if (!parsed.success) return { ok: false, expired: false };
			claim = parsed.data;
		} catch {
			return { ok: false, expired: false };
		}
		if (now >= claim.exp) return { ok: false, expired: true };
		return { ok: true, claim };
	}

	#sign(body: string): string {
		return createHmac('sha256', this.key).update(`sitroom-realtime-token.${body}`).digest('base64url');
	}
}
