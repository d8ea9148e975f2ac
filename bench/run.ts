// npm run bench: the whole assistant in this process (createApp with Slack over HTTP, the real
// Redis under a unique prefix, BullMQ timers) against a fake Slack Web API on loopback, driven by
// signed Slack requests at a fixed rate from a worker thread (bench/load.ts), in rounds that
// alternate with the floor (a bare Bolt app: one Redis GET and SET and one chat.postMessage per
// event) at the same rate; then N intakes opened and held. Prints the figures and `p99 ratio to floor: X.XX`; cleans up its keys.
//
//   npm run bench -- [--rate 200] [--seconds 20] [--rounds 4] [--warmup 3] [--reporters 40] [--open 10000] [--write-results] [--profile] [--heap-snapshot]

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { Session as Inspector } from 'node:inspector/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createApp } from '../src/app/compose.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config.js';
import { cleanupPrefix } from '../test/helpers/redis.js';
import { BOT_TOKEN, SIGNING_SECRET, slackEnv } from '../test/helpers/slack.js';
import { startFloor } from './floor.js';
import type { Command, PhaseResult, TurnKind } from './load.js';
import { installRedisCounter, redisCommandsSent, serverCommandCount } from './redis-count.js';
import { ms, pool, summarise } from './stats.js';


function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}
const rate = flag('rate', 200);
const seconds = flag('seconds', 20);
const warmup = flag('warmup', 3);
const openIntakes = Math.round(flag('open', 10_000));
const maxOpen = Math.round(flag('reporters', 40));
const rounds = Math.round(flag('rounds', 4));
const writeResults = process.argv.includes('--write-results');
// --profile: a CPU profile and an allocation profile (.heapprofile) of the assistant's last round
// (not the floor's), for Chrome DevTools.
const profileTo = process.argv.includes('--profile') ? 'bench/assistant.cpuprofile' : null;
// --heap-snapshot: a heap snapshot after the rounds (for Chrome DevTools' Memory tab).
const heapSnapshotTo = process.argv.includes('--heap-snapshot') ? 'bench/after-rounds.heapsnapshot' : null;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settleGc = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
};

const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// The load generator in a worker thread

const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
let pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | null = null;
const ready = new Promise<string>((resolve, reject) => {
  worker.on('message', (m: { cmd: string; apiUrl?: string; result?: PhaseResult; message?: string }) => {
    if (m.cmd === 'ready') return resolve(m.apiUrl!);
    const p = pending;
    pending = null;
    if (m.cmd === 'error') p?.reject(new Error(m.message));
    else p?.resolve(m.result ?? null);
  });
  worker.on('error', reject);
});
function send(c: Command): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    pending = { resolve: resolve as (v: unknown) => void, reject };
    worker.postMessage(c);
  });
}

// ---------------------------------------------------------------------------------------------

const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
const prefix = `bench:${randomBytes(5).toString('hex')}:`;
const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
admin.on('error', () => {});

async function main(): Promise<void> {
  try {
    await admin.connect();
    await admin.ping();
  } catch {
    throw new Error(`Redis is not reachable at ${redisUrl}. Start Redis or set REDIS_URL.`);
  }
  installRedisCounter();
  const apiUrl = await ready;

  const config = loadConfig({ ...slackEnv(apiUrl, prefix, redisUrl), LOG_LEVEL: 'info' });
  // Logs at info, as in production, written to /dev/null.
  // (BENCH_LOG=1 sends them to stderr instead, to look into a run.)
  const logger = createLogger('info', pino.destination({ dest: process.env['BENCH_LOG'] ? 2 : '/dev/null', sync: false }) as unknown as NodeJS.WritableStream);
  const app = createApp({ config, logger });
  // Job timing (queue wait = start − due time, and run time) per kind, printed with the figures.
  const jobStats = new Map<string, { wait: number[]; run: number[]; retried: number }>();
  let running = 0;
  let lastJobAt = 0;
  /** Until no job has run for 2.5 s (record and timeline retries back off 1 s, then 2 s), at most 20 s. */
  const jobsQuiet = async () => {
    const until = Date.now() + 20_000;
    while (Date.now() < until && (running > 0 || Date.now() - lastJobAt < 2500)) await new Promise((r) => setTimeout(r, 100));
  };
  const runJob = app.jobs.run.bind(app.jobs);
  app.jobs.run = async (job) => {
    running += 1;
    const started = Date.now();
    let failed = false;
    try {
      return await runJob(job);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      const s = jobStats.get(job.kind) ?? { wait: [], run: [], retried: 0 };
      if (failed) s.retried += 1;
      s.wait.push(Math.max(0, started - job.at.getTime())); // (a page sent in the turn runs before its queued copy's time: 0)
      s.run.push(Date.now() - started);
      jobStats.set(job.kind, s);
      running -= 1;
      lastJobAt = Date.now();
    }
  };
  const port = await app.start(0);
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;

  say(`Escalation Assistant benchmark, ${new Date().toISOString()}`);
  say(`machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, Redis ${(await admin.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'} at ${redisUrl}`);
  say(`load average before the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (other programs on this machine share its cores)`);
  say(`load: ${rate} turns/s for ${seconds} s (after a ${warmup} s warm-up), signed Slack requests over loopback HTTP`);
  say();

  // --- the assistant and the floor, in alternating rounds ---
  // Each side runs `rounds` times for seconds/rounds, one after the other, so both see the same
  // machine: a busy minute on a shared machine lands on both, not on one of them.
  const floor = await startFloor({ redisUrl, prefix, signingSecret: SIGNING_SECRET, botToken: BOT_TOKEN, apiUrl });
  await send({ cmd: 'app', eventsUrl, secret: SIGNING_SECRET, rate, seconds: warmup, maxOpen, warmup: true });
  await jobsQuiet();
  await send({ cmd: 'floor', eventsUrl: floor.eventsUrl, secret: SIGNING_SECRET, rate, seconds: warmup });
  const appRuns: PhaseResult[] = [];
  const floorRuns: PhaseResult[] = [];
  let appBusyMs = 0;
  let ourCommands = 0;
  let serverCommands = 0;
  let floorBusyMs = 0;
  let floorCommands = 0;
  // Event-loop delay and GC pauses, per side: a stall delays every turn waiting behind it.
  // (One histogram per round: re-enabling one would count the pause between rounds as a delay.)
  type LoopDelay = { p50: number; p99: number; max: number };
  const appDelay: LoopDelay[] = [];
  const floorDelay: LoopDelay[] = [];
  const watchLoop = (into: LoopDelay[]) => {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    return () => {
      h.disable();
      into.push({ p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6 });
    };
  };
  const gcPauses = { app: [] as number[], floor: [] as number[] };
  let gcSide: 'app' | 'floor' | null = null;
  const gcObserver = new PerformanceObserver((list) => {
    if (gcSide) for (const e of list.getEntries()) gcPauses[gcSide].push(e.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  // The last round's profiles (each round's replaces the one before).
  let cpuProfile: object | null = null;
  let allocationProfile: object | null = null;
  const inspector = profileTo ? new Inspector() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
  }
  for (let round = 0; round < rounds; round++) {
    const c0 = redisCommandsSent();
    const s0 = await serverCommandCount(admin);
    const e0 = performance.eventLoopUtilization();
    const appLoopDone = watchLoop(appDelay);
    gcSide = 'app';
    await inspector?.post('Profiler.start');
    // Allocations too, the collected ones included: what the GC has to clear up after each turn.
    await inspector?.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    appRuns.push(await send({ cmd: 'app', eventsUrl, secret: SIGNING_SECRET, rate, seconds: seconds / rounds, maxOpen }));
    appLoopDone();
    gcSide = null;
    if (inspector) {
      cpuProfile = (await inspector.post('Profiler.stop')).profile;
      allocationProfile = (await inspector.post('HeapProfiler.stopSampling')).profile;
    }
    appBusyMs += performance.eventLoopUtilization(e0).active;
    ourCommands += redisCommandsSent() - c0;
    serverCommands += (await serverCommandCount(admin)) - s0 - 2;
    // The assistant's own timer jobs (record updates, timeline replies) finish before the floor runs.
    await jobsQuiet();
    const f0 = redisCommandsSent();
    const fe0 = performance.eventLoopUtilization();
    const floorLoopDone = watchLoop(floorDelay);
    gcSide = 'floor';
    floorRuns.push(await send({ cmd: 'floor', eventsUrl: floor.eventsUrl, secret: SIGNING_SECRET, rate, seconds: seconds / rounds }));
    floorLoopDone();
    gcSide = null;
    floorBusyMs += performance.eventLoopUtilization(fe0).active;
    floorCommands += redisCommandsSent() - f0;
  }
  gcObserver.disconnect();
  if (inspector && profileTo) {
    writeFileSync(profileTo, JSON.stringify(cpuProfile));
    writeFileSync(profileTo.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(allocationProfile));
    inspector.disconnect();
  }
  await floor.stop();
  if (heapSnapshotTo) {
    await settleGc();
    writeHeapSnapshot(heapSnapshotTo);
  }
  const loopLine = (rs: LoopDelay[], gc: number[]) =>
    `  event loop delay (worst round): p50 ${ms(Math.max(...rs.map((r) => r.p50)))}, p99 ${ms(Math.max(...rs.map((r) => r.p99)))}, max ${ms(Math.max(...rs.map((r) => r.max)))}; GC pauses: ${gc.length}, p99 ${ms(summarise(gc).p99)}, max ${ms(summarise(gc).max)}`;
  const sums = ['sent', 'errors', 'lost', 'seconds', 'intakesStarted', 'intakesCompleted', 'pagesBeforeConfirm', 'pagesMissing', 'skipped', 'apiCalls'] as const;
  const a = pool(appRuns, [...sums]);
  a.turnsPerIntake = appRuns.reduce((x, r) => x + r.turnsPerIntake * r.intakesCompleted, 0) / Math.max(1, a.intakesCompleted);
  const f = pool(floorRuns, [...sums]);

  say(`assistant (whole stack: Bolt receiver → Assistant → Redis store + BullMQ → Slack Web API), ${rounds} rounds of ${(seconds / rounds).toFixed(1)} s`);
  say(`  turns: ${a.turns.n} answered of ${a.sent} sent (${a.lost} unanswered, ${a.errors} HTTP errors) in ${a.seconds.toFixed(1)} s`);
  say(`  throughput: ${(a.turns.n / a.seconds).toFixed(1)} turns/s (${a.skipped} ticks skipped: all ${maxOpen} reporters waiting); intakes: ${a.intakesStarted} started, ${a.intakesCompleted} completed (${a.turnsPerIntake.toFixed(1)} turns each)`);
  say(`  app event loop busy per turn: ${(appBusyMs / Math.max(1, a.turns.n)).toFixed(2)} ms (includes BullMQ jobs: pages, records)`);
  say(`  turn latency (request sent → next question reaches the Slack API): p50 ${ms(a.turns.p50)}, p99 ${ms(a.turns.p99)}, max ${ms(a.turns.max)}`);
  say(`  HTTP ack latency: p50 ${ms(a.acks.p50)}, p99 ${ms(a.acks.p99)}`);
  say(loopLine(appDelay, gcPauses.app));
  say(`  Redis commands per turn: ${(ourCommands / Math.max(1, a.turns.n)).toFixed(1)} sent by this process (INFO commandstats delta, server-wide: ${(serverCommands / Math.max(1, a.turns.n)).toFixed(1)})`);
  say(`  Slack API calls per turn: ${(a.apiCalls / Math.max(1, a.turns.n)).toFixed(1)} (questions, answered questions updated in place, pages, records, timeline replies)`);
  for (const [kind, st] of [...jobStats].filter(([k]) => ['page', 'record', 'timeline'].includes(k))) {
    const w = summarise(st.wait);
    const r = summarise(st.run);
    say(`  ${kind} jobs: ${w.n} runs (${st.retried} to be retried); waited p50 ${ms(w.p50)}, p99 ${ms(w.p99)} past their time; ran p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
  }
  const kinds = { start: 'first message or start button', answer: 'other answers', narrative: 'narrative', confirm: 'confirm' } as const;
  say(
    `  turn p50 / p99 by kind: ${Object.entries(kinds)
      .map(([k, label]) => {
        const st = summarise(appRuns.flatMap((r) => r.byKind[k as TurnKind] ?? []));
        return `${label} ${ms(st.p50)} / ${ms(st.p99)} (${st.n})`;
      })
      .join('; ')}`,
  );
  say(`  confirm → page reaches the Slack API: p50 ${ms(a.toPage.p50)}, p99 ${ms(a.toPage.p99)}, max ${ms(a.toPage.max)} (${a.toPage.n} pages, ${a.pagesMissing} missing, ${a.pagesBeforeConfirm} paged before the confirm)`);
  say();
  say(`floor (bare Bolt app: same receiver, one Redis GET + SET, one chat.postMessage per event), the same rounds in between`);
  say(`  turns: ${f.turns.n} answered of ${f.sent} sent (${f.lost} unanswered, ${f.errors} HTTP errors) in ${f.seconds.toFixed(1)} s`);
  say(`  turn latency (request sent → chat.postMessage reaches the Slack API): p50 ${ms(f.turns.p50)}, p99 ${ms(f.turns.p99)}, max ${ms(f.turns.max)}`);
  say(`  HTTP ack latency: p50 ${ms(f.acks.p50)}, p99 ${ms(f.acks.p99)}`);
  say(`  Redis commands per turn: ${(floorCommands / Math.max(1, f.turns.n)).toFixed(1)}`);
  say(`  Slack API calls per turn: ${(f.apiCalls / Math.max(1, f.turns.n)).toFixed(1)}`);
  say(loopLine(floorDelay, gcPauses.floor));
  say(`  event loop busy per turn: ${(floorBusyMs / Math.max(1, f.turns.n)).toFixed(2)} ms`);
  say(`  p99 of each round, assistant / floor: ${appRuns.map((r, i) => `${ms(r.turns.p99)} / ${ms(floorRuns[i]!.turns.p99)}`).join('; ')}`);
  say();
  const ratio = a.turns.p99 / f.turns.p99;
  say(`p99 ratio to floor: ${ratio.toFixed(2)}`);
  // A run that could not keep up measures queueing, not the software: say so rather than compare.
  const saturated = (r: PhaseResult) => r.lost > 0 || r.errors > 0 || r.turns.n < 0.95 * rate * seconds;
  const satApp = saturated(a);
  const satFloor = saturated(f);
  if (satApp || satFloor)
    say(`(${[satApp ? 'the assistant' : '', satFloor ? 'the floor' : ''].filter(Boolean).join(' and ')} did not keep up with ${rate} turns/s on this machine: latencies above are queueing; compare the event-loop time per turn, or run with a lower --rate)`);
  say();

  // --- open intakes held ---
  await settleGc();
  const m0 = process.memoryUsage();
  const before = await countSessions(prefix);
  const fill = await send({ cmd: 'fill', eventsUrl, secret: SIGNING_SECRET, count: openIntakes, concurrency: 32 });
  await app.slack!.idle();
  await settleGc();
  const m1 = process.memoryUsage();
  const after = await countSessions(prefix);
  const held = after.active - before.active;
  const perIntakeRedis = (await prefixBytes(prefix)).bytes / Math.max(1, after.active);
  say(`open intakes: ${fill.intakesStarted} opened with /incident in ${fill.seconds.toFixed(1)} s (${fill.lost} not answered, ${fill.errors} HTTP errors)`);
  say(`  held: ${held} more active sessions in Redis (${after.active} active in all, ${after.total} session documents)`);
  say(`  app memory per open intake: heap ${((m1.heapUsed - m0.heapUsed) / Math.max(1, held)).toFixed(0)} B, RSS ${((m1.rss - m0.rss) / Math.max(1, held)).toFixed(0)} B (process total: heap ${(m1.heapUsed / 2 ** 20).toFixed(0)} MiB, RSS ${(m1.rss / 2 ** 20).toFixed(0)} MiB)`);
  say(`  Redis memory per open intake (MEMORY USAGE of every key under the bench prefix / active sessions): ${perIntakeRedis.toFixed(0)} B`);
  say();
  const pageOk = a.toPage.n > 0 && a.toPage.p99 < 250 && a.pagesMissing === 0;
  say(`targets: p99 within 1.5× floor: ${satApp || satFloor ? 'not measurable (saturated)' : ratio <= 1.5 ? 'met' : 'NOT met'}; confirm → page p99 under 250 ms: ${pageOk ? 'met' : 'NOT met'}; ${openIntakes} open intakes held: ${held >= openIntakes ? 'met' : 'NOT met'}`);

  await app.stop();
  if (writeResults) writeResultsFile();
}

async function countSessions(p: string): Promise<{ total: number; active: number }> {
  let cursor = '0';
  let total = 0;
  let active = 0;
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${p}{ns:session}:doc:*`, 'COUNT', 1000);
    cursor = next;
    if (!keys.length) continue;
    const pipe = admin.pipeline();
    for (const k of keys) pipe.hget(k, 'd');
    for (const [, d] of (await pipe.exec()) ?? []) {
      total += 1;
      if (typeof d === 'string' && (JSON.parse(d) as { status?: string }).status === 'active') active += 1;
    }
  } while (cursor !== '0');
  return { total, active };
}

async function prefixBytes(p: string): Promise<{ keys: number; bytes: number }> {
  let cursor = '0';
  let keys = 0;
  let bytes = 0;
  do {
    const [next, found] = await admin.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 1000);
    cursor = next;
    if (!found.length) continue;
    const pipe = admin.pipeline();
    for (const k of found) pipe.call('MEMORY', 'USAGE', k);
    for (const [, n] of (await pipe.exec()) ?? []) bytes += Number(n ?? 0);
    keys += found.length;
  } while (cursor !== '0');
  return { keys, bytes };
}

function writeResultsFile(): void {
  const text = [
    '# Benchmark results',
    '',
    'The last run of `npm run bench` (see the Performance section of the README for what each figure means and how to run it).',
    '',
    '```',
    ...lines,
    '```',
    '',
  ].join('\n');
  writeFileSync(new URL('./RESULTS.md', import.meta.url), text);
}

const finish = async (code: number) => {
  // The store's keys (prefix…) and BullMQ's ({prefix}…, hash-tagged as compose.ts names them).
  const removed = (await cleanupPrefix(admin, prefix).catch(() => 0)) + (await cleanupPrefix(admin, `{${prefix.replace(/:+$/, '')}}`).catch(() => 0));
  process.stdout.write(`(cleaned up ${removed} bench keys under ${prefix})\n`);
  admin.disconnect();
  await Promise.race([send({ cmd: 'exit' }).catch(() => null), new Promise((r) => setTimeout(r, 2000))]);
  await worker.terminate();
  process.exit(code);
};

// Ctrl-C (or a closed pipe) still removes the bench keys.
let finishing = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const)
  process.on(signal, () => {
    if (finishing) return;
    finishing = true;
    void finish(130);
  });
process.stdout.on('error', () => undefined);

main().then(
  () => finish(0),
  (err: unknown) => {
    process.stderr.write(`Benchmark failed: ${(err as Error)?.stack ?? String(err)}\n`);
    void finish(1);
  },
);
