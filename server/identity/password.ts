/**
 * Password hashing with scrypt (memory-hard, in Node's crypto, run on the libuv thread pool so
 * the event loop keeps serving rooms). The hash string carries its parameters and salt, so the
 * cost can be raised later without invalidating stored hashes.
 *
 * Format: `scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const LOG2_N = 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
	const N = 2 ** log2N;
	// scrypt needs 128·N·r bytes; the default maxmem (32 MiB) is exactly too small for N=2^15.
	const opts: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
	return new Promise((resolve, reject) => {
		scrypt(password.normalize('NFC'), salt, KEY_BYTES, opts, (err, key) =>
			err ? reject(err) : resolve(key)
		);
	});
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(SALT_BYTES);
	const key = await derive(password, salt, LOG2_N, R, P);
	return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `hash`. A malformed hash never matches and never throws. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
	const parts = hash.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
	const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
	// Bounds keep a corrupted row from asking for gigabytes of memory.
	if (
		![log2N, r, p].every(Number.isInteger) ||
		log2N < 10 ||
		log2N > 20 ||
		r < 1 ||
		r > 32 ||
		p < 1 ||
		p > 16
	) {
		return false;
	}
	const salt = Buffer.from(parts[4]!, 'base64url');
	const expected = Buffer.from(parts[5]!, 'base64url');
	if (expected.length !== KEY_BYTES) return false;
	const key = await derive(password, salt, log2N, r, p);
	return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | null = null;

/**
 * Spends the same time as a real verification, for logins naming no account: the response
 * time must not tell an attacker which usernames exist.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummy ??= hashPassword(randomBytes(16).toString('hex'));
	await verifyPassword(password, await dummy);
	return false;
}
