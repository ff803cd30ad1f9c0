/**
 * Users as the REST API shows and changes them: the public user (never a password hash), the
 * administration list's entries, and the requests to create a user, change one and reset a
 * password (admins only).
 */
import { z } from 'zod';
import { NewPasswordSchema, UsernameSchema } from '../credentials.ts';
import { ROLES } from '../vocabulary.ts';

/** A user as anyone may see them: the session's user, and the core of an entry of the user list. */
export const PublicUserSchema = z.object({
	id: z.string(),
	username: z.string(),
	displayName: z.string(),
	role: z.enum(ROLES),
	orgId: z.string(),
	orgName: z.string(),
	/** Township code of the user's organisation, if it belongs to one. */
	township: z.string().nullable(),
	active: z.boolean()
});
export type PublicUser = z.infer<typeof PublicUserSchema>;

/** An entry of GET /api/users: the public user and what administration needs. */
export const UserAccountSchema = PublicUserSchema.extend({
	/** Created by demo mode: its password is published. */
	demo: z.boolean(),
	/** Epoch milliseconds. */
	createdAt: z.number(),
	updatedAt: z.number()
});
export type UserAccount = z.infer<typeof UserAccountSchema>;

const displayName = z.string().trim().min(1).max(64);
const orgId = z.string().min(1).max(80);
const role = z.enum(ROLES);

/** POST /api/users. */
export const NewUserSchema = z
	.object({ username: UsernameSchema, displayName, orgId, role, password: NewPasswordSchema })
	.strict();
export type NewUser = z.infer<typeof NewUserSchema>;

/** PATCH /api/users/:id: at least one of the fields. */
export const UserChangesSchema = z
	.object({ displayName, orgId, role, active: z.boolean() })
	.partial()
	.strict()
	.refine((b) => Object.keys(b).length > 0, 'name at least one of displayName, orgId, role, active');
export type UserChanges = z.infer<typeof UserChangesSchema>;

/** POST /api/users/:id/password. */
export const PasswordResetSchema = z.object({ password: NewPasswordSchema }).strict();
