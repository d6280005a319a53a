// Server CPU per request of several builds of a peer, side by side: each
// NAME=FILE peer runs pinned to core 0, autocannon (this process; run it
// under `taskset -c 1`) loads them in rotating rounds, and the medians of
// the rounds are compared with the first peer. Use it for A/B of a change:
// build the old tree somewhere (tsc --outDir) and pass both peer files.
//
//   taskset -c 1 node bench/profile/cpu-ab.mjs [--path /users/42] [--d 3] [--rounds 5] [--c 50] [--p 1] [--warm 2] \
//     node=dist/bench/peers/node-http.js old=/tmp/old/bench/peers/runtime.js new=dist/bench/peers/runtime.js
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';

const args = process.argv.slice(2);
const opt = { path: '/users/42', d: 3, rounds: 4, c: 50, p: 1, warm: 2 };
const peers = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) { opt[args[i].slice(2)] = isNaN(+args[i + 1]) ? args[i + 1] : +args[i + 1]; i++; }
  else { const [name, file] = args[i].split('='); peers.push({ name, file }); }
}
function start(p) {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, ...(p.file.split(' '))], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.on('message', (m) => { if (m.type === 'ready') { p.port = m.port; p.child = child; resolve(); } });
    child.on('exit', (c) => reject(new Error(p.name + ' exited ' + c)));
  });
}
let qid = 0;
function cpu(p) {
  return new Promise((resolve) => { const id = ++qid; const on = (m) => { if (m.type === 'cpu' && m.id === id) { p.child.off('message', on); resolve(m.value); } }; p.child.on('message', on); p.child.send({ type: 'cpu', id }); });
}
async function load(p, d) {
  const c0 = await cpu(p);
  const r = await autocannon({ url: `http://127.0.0.1:${p.port}${opt.path}`, connections: opt.c, pipelining: opt.p, duration: d, renderProgressBar: false });
  const c1 = await cpu(p);
  return { rate: r.requests.total / r.duration, cpu: (c1 - c0) / r.requests.total, non2xx: r.non2xx, errors: r.errors };
}
for (const p of peers) await start(p);
for (const p of peers) { p.res = []; if (opt.warm) await load(p, opt.warm); }
for (let r = 0; r < opt.rounds; r++) {
  const order = peers.slice(r % peers.length).concat(peers.slice(0, r % peers.length));
  for (const p of order) { const x = await load(p, opt.d); p.res.push(x); if (x.non2xx || x.errors) console.error(p.name, 'non2xx', x.non2xx, 'errors', x.errors); }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const base = peers[0];
const bc = med(base.res.map((x) => x.cpu)), br = med(base.res.map((x) => x.rate));
for (const p of peers) {
  const c = med(p.res.map((x) => x.cpu)), rt = med(p.res.map((x) => x.rate));
  console.log(`${p.name.padEnd(14)} ${(rt / 1000).toFixed(1).padStart(6)}k req/s  ${c.toFixed(2).padStart(7)} us/req  cpu ratio ${(bc / c).toFixed(3)}  rate ratio ${(rt / br).toFixed(3)}   [${p.res.map((x) => x.cpu.toFixed(1)).join(' ')}]`);
}
for (const p of peers) p.child.send({ type: 'stop' });
