import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { FeedAllowlist } from '../../server/feeds/allowlist.ts';
import { feedUrlProblem, parseFeedUrl } from '../../src/lib/domain/feeds.ts';

describe('feed addresses', () => {
	it('accepts only http, https, rtsp, rtmp and webrtc addresses, without credentials', () => {
		for (const ok of [
			'http://127.0.0.1:8088/live/a.m3u8',
			'HTTPS://cameras.example.invalid/x.m3u8',
			'rtsp://10.1.2.3:554/stream1',
			'rtmp://live.example.invalid/app/key',
			'webrtc://gw.example.invalid/cam'
		]) {
			expect(feedUrlProblem(ok), ok).toBeNull();
		}
		expect(feedUrlProblem('javascript:alert(1)')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('file:///etc/passwd')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('data:text/html,hi')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('ftp://a/b')).toBe('scheme-not-allowed');
		expect(feedUrlProblem('not a url')).toBe('not-a-url');
		expect(feedUrlProblem('rtsp://admin:secret@10.0.0.5/ch1')).toBe('has-credentials');
		expect(feedUrlProblem(42)).toBe('not-a-string');
		expect(feedUrlProblem(`http://a.invalid/${'x'.repeat(3000)}`)).toBe('too-long');
	});

	it('tells HLS playlists from other web addresses and from streams that need a gateway', () => {
		const playback = (u: string) => {
			const p = parseFeedUrl(u);
			return p.ok ? p.playback : p.problem;
		};
		expect(playback('https://a.invalid/live/index.M3U8?token=1')).toBe('hls');
		expect(playback('https://a.invalid/player.html')).toBe('http');
		expect(playback('rtsp://a.invalid/1')).toBe('rtsp');
		expect(playback('webrtc://a.invalid/1')).toBe('webrtc');
	});
});

describe('the feed check allowlist', () => {
	it('matches exact names, wildcard subdomains, addresses and CIDR networks, and nothing else', () => {
		const a = new FeedAllowlist(
			'127.0.0.1, 10.0.0.0/8, cameras.example.gov.cn, *.cam.example.invalid, fd00::/8'
		);
		expect(a.allows('127.0.0.1')).toBe(true);
		expect(a.allows('127.0.0.2')).toBe(false);
		expect(a.allows('10.20.30.40')).toBe(true);
		expect(a.allows('11.0.0.1')).toBe(false);
		expect(a.allows('CAMERAS.example.gov.cn')).toBe(true);
		expect(a.allows('evil.cameras.example.gov.cn')).toBe(false);
		expect(a.allows('a.cam.example.invalid')).toBe(true);
		expect(a.allows('cam.example.invalid')).toBe(false);
		expect(a.allows('[fd12::1]')).toBe(true);
		expect(a.allows('[fe80::1]')).toBe(false);
		expect(a.allows('localhost')).toBe(false);
		expect(new FeedAllowlist('').allows('127.0.0.1')).toBe(false);
	});

	it('stops the server from starting with a malformed allowlist', () => {
		expect(() => loadConfig({ FEED_CHECK_ALLOW: '10.0.0.0/33' })).toThrow(/FEED_CHECK_ALLOW.*CIDR/s);
		expect(() => loadConfig({ FEED_CHECK_ALLOW: 'http://cam/' })).toThrow(/FEED_CHECK_ALLOW/);
	});
});
