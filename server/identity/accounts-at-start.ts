/**
 * The accounts a server starts with. Demo mode (the default on an empty store) creates one
 * account per role from the jurisdiction's seed, all with the demo password. Production mode
 * (SITROOM_DEMO=0) creates none: the first administrator comes from `npm run create-admin`,
 * and demo accounts left over from an earlier demo run are deactivated, because their
 * password may be the published one.
 */
import type { Logger } from '../log.ts';
import type { Identity } from './identity.ts';
import { hashPassword } from './password.ts';

export async function prepareAccounts(identity: Identity, log: Logger): Promise<void> {
	const mode = identity.config.demo;
	const demo = mode === 'auto' ? (await identity.users.count()) === 0 : mode;
	if (demo) {
		const missing = [];
		for (const a of identity.seed.demoAccounts) {
			if (!(await identity.users.byUsername(a.username))) missing.push(a);
		}
		if (missing.length > 0) {
			// One hash for all: they share a published password, so separate salts would protect nothing.
			const passwordHash = await hashPassword(identity.config.demoPassword);
			for (const a of missing) await identity.users.create({ ...a, passwordHash, demo: true });
		}
		log.info(
			{ accounts: identity.seed.demoAccounts.map((a) => `${a.username} (${a.role})`) },
			'demo mode: demo accounts ready (password from SITROOM_DEMO_PASSWORD; see docs/identity.md)'
		);
		return;
	}
	if (mode !== false) return;
	for (const u of await identity.users.list()) {
		if (!u.demo || !u.active) continue;
		await identity.users.update(u.id, { active: false });
		await identity.sessions.repo.revokeAllOf(u.id, Date.now());
		log.warn({ username: u.username }, 'production mode: deactivated a demo account left from a demo run');
	}
	if ((await identity.users.countActiveAdmins()) === 0) {
		log.warn(
			'production mode: no administrator yet; create one with `npm run create-admin -- --username NAME`'
		);
	}
}
