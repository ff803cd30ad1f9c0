// Every page is live and per-user: nothing useful renders on the server before the session
// and the socket are there, so the app is client-rendered (adapter-node serves the shell).
export const ssr = false;
export const prerender = false;
