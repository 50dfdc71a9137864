import pg from 'pg';
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres', max: 2 });
const c = await pool.connect();
for (let i = 0; i < 200; i++) await c.query('select 1');
const xs: number[] = [];
for (let i = 0; i < 1000; i++) { const t = performance.now(); await c.query('select $1::int', [i]); xs.push(performance.now() - t); }
xs.sort((a, b) => a - b);
console.log('p50', xs[500].toFixed(3), 'p95', xs[950].toFixed(3), 'p99', xs[990].toFixed(3));
c.release(); await pool.end();
