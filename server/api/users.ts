/**
 * User administration (role `admin` only): list and create users, change a user's role,
 * organisation, display name or active flag, and reset a password. Deactivating a user
 * closes their live connections on both transports.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { ROLES } from '#domain/vocabulary';
import { IdentityError, type Identity } from '../identity/identity.ts';
import { actorOf, requireActor } from '../identity/middleware.ts';
import { UsernameTakenError, type User } from '../identity/users.ts';
import { ApiError, parseBody, parseParams } from './validate.ts';

export const usernameSchema = z
	.string()
	.regex(
		/^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/,
		'2–32 letters, digits, dot, dash or underscore, starting with a letter or digit'
	);
export const newPasswordSchema = z.string().min(10, 'at least 10 characters').max(200);
const displayName = z.string().trim().min(1).max(64);
const orgId = z.string().min(1).max(80);
const role = z.enum(ROLES);

const createBody = z
	.object({ username: usernameSchema, displayName, orgId, role, password: newPasswordSchema })
	.strict();
const patchBody = z
	.object({ displayName, orgId, role, active: z.boolean() })
	.partial()
	.strict()
	.refine((b) => Object.keys(b).length > 0, 'name at least one of displayName, orgId, role, active');
const passwordBody = z.object({ password: newPasswordSchema }).strict();
const idParams = z.object({ id: z.string().uuid('not a user id') });

export function usersRouter(identity: Identity): Router {
	const r = Router();
	const admin = requireActor(['admin']);
	const view = (u: User): object => ({
		...identity.publicUser(u),
		demo: u.demo,
		createdAt: u.createdAt,
		updatedAt: u.updatedAt
	});

	r.get('/users', admin, (_req, res) => {
		res.json({ users: identity.users.list().map(view) });
	});

	r.post('/users', admin, async (req, res) => {
		const body = parseBody(createBody, req);
		try {
			const user = await identity.createUser(body);
			res.status(201).json({ user: view(user) });
		} catch (err) {
			throw translate(err);
		}
	});

	r.patch('/users/:id', admin, (req, res) => {
		const { id } = parseParams(idParams, req);
		const body = parseBody(patchBody, req);
		try {
			res.json({ user: view(identity.updateUser(id, body, actorOf(res).userId)) });
		} catch (err) {
			throw translate(err);
		}
	});

	r.post('/users/:id/password', admin, async (req, res: Response) => {
		const { id } = parseParams(idParams, req);
		const { password } = parseBody(passwordBody, req);
		try {
			await identity.resetPassword(id, password);
		} catch (err) {
			throw translate(err);
		}
		res.status(204).end();
	});

	return r;
}

function translate(err: unknown): unknown {
	if (err instanceof UsernameTakenError) return new ApiError(409, 'username-taken', err.message);
	if (!(err instanceof IdentityError)) return err;
	switch (err.code) {
		case 'unknown-user':
			return new ApiError(404, 'user-not-found', err.message);
		case 'unknown-organisation':
			return new ApiError(400, 'invalid-request', err.message, [{ path: 'orgId', message: err.message }]);
		case 'last-admin':
		case 'self-deactivation':
			return new ApiError(409, err.code, err.message);
	}
}
