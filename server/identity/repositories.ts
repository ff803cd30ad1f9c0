/**
 * The repositories identity stores its tables in, handed over by the composition root (the
 * embedded ones: sqlite/repositories.ts). Each is async and passes its contract suite in
 * tests/identity/; a PostgreSQL set will implement the same interfaces.
 */
import type { OrganisationRepository } from './organisations.ts';
import type { SecretRepository } from './secrets.ts';
import type { SessionRepository } from './sessions.ts';
import type { UserRepository } from './users.ts';

export interface IdentityRepositories {
	organisations: OrganisationRepository;
	users: UserRepository;
	sessions: SessionRepository;
	secrets: SecretRepository;
}
