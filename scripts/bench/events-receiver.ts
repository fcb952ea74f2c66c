// bench:events' receiver in its own process (so the load generator does not delay it): answers
// 200 at once and reports each event's first arrival to the parent (wall-clock ms, high resolution).
import { createServer } from 'node:http';
import { once } from 'node:events';

const seen = new Set<string>();
let batch: { event: string; member: string; order: string; at: number }[] = [];
let requests = 0;
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    requests++;
    res.writeHead(200).end('ok');
    const event = JSON.parse(body);
    if (seen.has(event.id)) return;
    seen.add(event.id);
    batch.push({ event: event.id, member: event.data.member_id, order: event.data.order_id, at });
  });
});
setInterval(() => {
  if (!batch.length) return;
  process.send!({ arrivals: batch, requests });
  batch = [];
}, 20);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
process.send!({ port: (server.address() as { port: number }).port });
