/**
 * The contract every SecretRepository must pass (SQLite now, PostgreSQL later). Cases are keyed
 * ([secrets-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SecretRepository } from '../../server/identity/secrets.ts';
import type { IdentityRepositoriesUnderTest, MakeIdentityRepositories } from './identity-repositories.ts';

export function describeSecretRepositoryContract(name: string, make: MakeIdentityRepositories): void {
	describe(`SecretRepository contract: ${name}`, () => {
		let current: IdentityRepositoriesUnderTest | null = null;
		const open = async (): Promise<SecretRepository> => {
			current = await make();
			return current.repositories.secrets;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[secrets-1] makes a secret of 32 random bytes on first use and returns the same one after', async () => {
			const secrets = await open();
			const first = await secrets.secret('realtime-token-key');
			expect(first).toBeInstanceOf(Buffer);
			expect(first.length).toBe(32);
			expect(first.equals(Buffer.alloc(32))).toBe(false);
			expect((await secrets.secret('realtime-token-key')).equals(first)).toBe(true);
		});

		it('[secrets-2] keeps secrets of different names apart', async () => {
			const secrets = await open();
			const a = await secrets.secret('a');
			const b = await secrets.secret('b');
			expect(a.equals(b)).toBe(false);
			expect((await secrets.secret('a')).equals(a)).toBe(true);
		});

		it('[secrets-3] gives callers asking at once the same secret', async () => {
			const secrets = await open();
			const all = await Promise.all(Array.from({ length: 5 }, () => secrets.secret('shared')));
			for (const s of all) expect(s.equals(all[0]!)).toBe(true);
		});
	});
}
