/**
 * Puts identity together for the composition root: the service, the accounts a server starts
 * with, the REST routers (session middleware first), the room hooks that track live peers,
 * and the transports' Authenticate.
 */
import type { Router } from 'express';
import express from 'express';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import type { Authenticate } from '../transport/authenticate.ts';
import { organisationsRouter } from '../api/organisations.ts';
import { sessionRouter } from '../api/session.ts';
import { tokensRouter } from '../api/tokens.ts';
import { usersRouter } from '../api/users.ts';
import { prepareAccounts } from './accounts-at-start.ts';
import { Identity } from './identity.ts';
import type { RoomAccess } from './live-connections.ts';
import { sessionMiddleware } from './middleware.ts';
import { createTransportAuthenticate } from './transport-auth.ts';

export interface IdentityParts {
	identity: Identity;
	/** Mount first under /api: the session middleware must run before every other route. */
	api: Router[];
	hooks: RoomHooks;
	authenticate: Authenticate;
}

export async function setUpIdentity(opts: {
	config: Config;
	db: SqliteDatabase;
	log: Logger;
	rooms: RoomAccess;
}): Promise<IdentityParts> {
	const identity = new Identity({
		db: opts.db,
		config: opts.config.identity,
		jurisdictionDir: opts.config.jurisdictionDir,
		log: opts.log,
		rooms: opts.rooms
	});
	try {
		await prepareAccounts(identity, opts.log);
	} catch (err) {
		identity.stop();
		throw err;
	}
	const sessions = express.Router();
	sessions.use(sessionMiddleware(identity));
	return {
		identity,
		api: [
			sessions,
			sessionRouter(identity),
			tokensRouter(identity),
			usersRouter(identity),
			organisationsRouter(identity)
		],
		hooks: identity.roomHooks(),
		authenticate: createTransportAuthenticate(identity)
	};
}
