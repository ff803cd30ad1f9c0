/**
 * The session API (POST / GET / DELETE /api/session): a login, and who is logged in with the CSRF
 * token that state-changing calls must echo as `x-csrf-token`.
 */
import { z } from 'zod';
import { PublicUserSchema } from './users.ts';

/** POST /api/session. */
export const LoginSchema = z.object({
	username: z.string().trim().min(1).max(64),
	password: z.string().min(1).max(1024)
});
export type Login = z.infer<typeof LoginSchema>;

/** The answer to a login and to GET /api/session. */
export const SessionSchema = z.object({
	user: PublicUserSchema,
	csrfToken: z.string(),
	/** Epoch milliseconds. */
	expiresAt: z.number(),
	/** How long the session lasts without activity (GET only). */
	idleTimeoutMs: z.number().optional()
});
export type Session = z.infer<typeof SessionSchema>;
