/**
 * Puts identity together for the composition root: the service, the accounts a server starts
 * with, the room hooks that track live peers, and the transports' Authenticate. Its REST routes
 * are server/api/session.ts, tokens.ts, users.ts and organisations.ts, behind the session
 * middleware (server/api/session-middleware.ts).
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { Authenticate } from '../transport/authenticate.ts';
import { prepareAccounts } from './accounts-at-start.ts';
import type { LoginLimiter } from './login-throttle.ts';
import { Identity } from './identity.ts';
import type { RoomAccess } from './live-connections.ts';
import type { IdentityRepositories } from './repositories.ts';
import { createTransportAuthenticate } from './transport-auth.ts';

export interface IdentityParts {
	identity: Identity;
	hooks: RoomHooks;
	authenticate: Authenticate;
}

export async function setUpIdentity(opts: {
	config: Config;
	repositories: IdentityRepositories;
	log: Logger;
	rooms: RoomAccess;
	/** Several nodes: failed logins counted where every node sees them. */
	throttle?: LoginLimiter;
}): Promise<IdentityParts> {
	const identity = await Identity.open({
		repositories: opts.repositories,
		config: opts.config.identity,
		jurisdictionDir: opts.config.jurisdictionDir,
		log: opts.log,
		rooms: opts.rooms,
		...(opts.throttle ? { throttle: opts.throttle } : {})
	});
	try {
		await prepareAccounts(identity, opts.log);
	} catch (err) {
		identity.stop();
		throw err;
	}
	return {
		identity,
		hooks: identity.roomHooks(),
		authenticate: createTransportAuthenticate(identity)
	};
}
