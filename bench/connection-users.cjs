// autocannon's setupClient for `load({ tokens })` (bench/support.ts): each connection sends its
// requests as its own user, taking the tokens in BENCH_CONNECTION_TOKENS in turn. A file of its
// own because autocannon's worker threads can only take functions as modules.
let next = 0;
module.exports = (client) => {
  const tokens = JSON.parse(process.env.BENCH_CONNECTION_TOKENS || '[]');
  if (tokens.length === 0) return;
  const token = tokens[next++ % tokens.length];
  client.setHeaders({ 'content-type': 'application/json', authorization: `Bearer ${token}` });
};
