// Synthetic traffic for trying the worker out: patient messages (some needing
// clinical review) on the poller's stream, and inbox items on the clinical-ops
// inbox. Data is made up; patient references are synthetic.
//
//   npm run produce -- --count 100                 # to REDIS_URL, straight onto the streams
//   npm run produce -- --count 100 --http http://localhost:3000   # through the HTTP API (embedded mode)
//
// Options: --count N (messages, default 20), --items N (inbox items, default count/4),
// --review-ratio R (share of messages needing review, default 0.3), --http URL.
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20' },
    items: { type: 'string' },
    'review-ratio': { type: 'string', default: '0.3' },
    http: { type: 'string' },
  },
});
const count = Number(values.count);
const items = values.items === undefined ? Math.ceil(count / 4) : Number(values.items);
const reviewRatio = Number(values['review-ratio']);
if (![count, items, reviewRatio].every(Number.isFinite) || count < 0 || items < 0) {
  console.error(
    'usage: npm run produce -- --count N [--items N] [--review-ratio 0..1] [--http URL]',
  );
  process.exit(2);
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const patientRef = () => `P-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
const messages = Array.from({ length: count }, () => ({
  type: 'patient.message',
  payload: {
    messageId: randomUUID(),
    patientRef: patientRef(),
    channel: pick(['sms', 'email', 'portal', 'phone']),
    body: pick([
      'Question about my prescription',
      'Requesting an appointment',
      'Feeling worse since yesterday',
    ]),
    sentAt: new Date().toISOString(),
    needsClinicalReview: Math.random() < reviewRatio,
    priority: pick(['stat', 'urgent', 'routine', 'routine']),
  },
}));
const inboxItems = Array.from({ length: items }, () => ({
  id: `synthetic:${randomUUID()}`,
  kind: pick(['lab-result', 'referral', 'refill-request']),
  priority: pick(['stat', 'urgent', 'routine']),
  patientRef: patientRef(),
  receivedAt: new Date().toISOString(),
  payload: { note: 'synthetic item' },
}));

if (values.http) {
  const headers = { 'content-type': 'application/json' };
  if (process.env.API_TOKEN) headers.authorization = `Bearer ${process.env.API_TOKEN}`;
  const post = async (path, body) => {
    const res = await fetch(new URL(path, values.http), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (res.status !== 202)
      throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  };
  for (const m of messages) await post('/messages', m);
  for (const i of inboxItems) await post('/clinical-ops/inbox', i);
} else {
  if (!process.env.REDIS_URL) {
    console.error(
      'REDIS_URL is not set: pass --http http://localhost:3000 to go through the API instead',
    );
    process.exit(2);
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(process.env.REDIS_URL);
  const stream = process.env.POLLER_STREAM ?? 'messages.inbound';
  const inbox = process.env.CLINICAL_OPS_INBOX_STREAM ?? 'clinical-ops.inbox';
  const pipeline = redis.pipeline();
  for (const m of messages)
    pipeline.xadd(stream, '*', 'type', m.type, 'payload', JSON.stringify(m.payload));
  for (const i of inboxItems) {
    pipeline.xadd(
      inbox,
      '*',
      'id',
      i.id,
      'kind',
      i.kind,
      'priority',
      i.priority,
      'patientRef',
      i.patientRef,
      'receivedAt',
      i.receivedAt,
      'payload',
      JSON.stringify(i.payload),
      'source',
      'produce-script',
    );
  }
  const results = await pipeline.exec();
  const failed = results.filter(([error]) => error);
  await redis.quit();
  if (failed.length > 0) throw failed[0][0];
}
const review = messages.filter((m) => m.payload.needsClinicalReview).length;
console.log(
  JSON.stringify({
    messages: count,
    needingReview: review,
    inboxItems: items,
    via: values.http ?? 'redis',
  }),
);
