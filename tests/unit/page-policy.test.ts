import { describe, expect, it } from 'vitest';
import { withSources } from '../../server/transport/page-policy.ts';

describe('adding run-time sources to a page policy', () => {
	it('appends sources to a directive once, leaving the others and the nonce as they were', () => {
		const policy = "default-src 'self'; img-src 'self' data:; script-src 'self' 'nonce-abc'";
		expect(withSources(policy, { 'img-src': ['https://t0.example.org', 'data:'] })).toBe(
			"default-src 'self'; img-src 'self' data: https://t0.example.org; script-src 'self' 'nonce-abc'"
		);
	});

	it('starts a missing directive from default-src, which it fell back to', () => {
		expect(withSources("default-src 'self'", { 'img-src': ['https://t0.example.org'] })).toBe(
			"default-src 'self'; img-src 'self' https://t0.example.org"
		);
	});

	it('changes nothing when there is nothing to add', () => {
		expect(withSources("default-src 'self'; img-src data:", { 'img-src': [] })).toBe(
			"default-src 'self'; img-src data:"
		);
	});
});
