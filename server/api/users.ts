/**
 * User administration (role `admin` only): list and create users, change a user's role,
 * organisation, display name or active flag, and reset a password. Deactivating a user
 * closes their live connections on both transports.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import { NewUserSchema, PasswordResetSchema, UserChangesSchema, type UserAccount } from '#domain/api/users';
import { IdentityError, type Identity } from '../identity/identity.ts';
import { UsernameTakenError, type User } from '../identity/users.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams } from './validate.ts';

const idParams = z.object({ id: z.string().uuid('not a user id') });

export function usersRouter(identity: Identity): Router {
	const r = Router();
	const admin = requireActor(['admin']);
	const view = (u: User): UserAccount => ({
		...identity.publicUser(u),
		demo: u.demo,
		createdAt: u.createdAt,
		updatedAt: u.updatedAt
	});

	r.get('/users', admin, async (_req, res) => {
		res.json({ users: (await identity.users.list()).map(view) });
	});

	r.post('/users', admin, async (req, res) => {
		const body = parseBody(NewUserSchema, req);
		try {
			const user = await identity.createUser(body);
			res.status(201).json({ user: view(user) });
		} catch (err) {
			throw translate(err);
		}
	});

	r.patch('/users/:id', admin, async (req, res) => {
		const { id } = parseParams(idParams, req);
		const body = parseBody(UserChangesSchema, req);
		try {
			res.json({ user: view(await identity.updateUser(id, body, actorOf(res).userId)) });
		} catch (err) {
			throw translate(err);
		}
	});

	r.post('/users/:id/password', admin, async (req, res: Response) => {
		const { id } = parseParams(idParams, req);
		const { password } = parseBody(PasswordResetSchema, req);
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
