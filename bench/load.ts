// The benchmark's load generator, run in a worker thread so its timing is not disturbed by the
// app's event loop. It owns the fake Slack Web API (so "request sent" and "call reached the fake
// API" are read from one clock) and drives signed Slack requests at a fixed rate:
//
// - phase "app": simulated reporters each walk an intake (a DM to start, then button clicks and
//   typed answers by step id, as the e2e tests do). Each tick sends the next turn of a reporter
//   picked at random (seeded), and the reporters carry on from the warm-up, so they are spread
//   over their intakes as real reporters are (taken in turn, they stay in step and all confirm in
//   the same instant); one who finishes is replaced at once by a new reporter. A turn ends when the next question (or the decision) reaches the fake API
//   in the reporter's DM. After the confirm answer, the time until the page reaches the on-call
//   manager's DM is recorded.
// - phase "floor": the same mix of DM events and button clicks to a bare Bolt app; a turn ends
//   when its chat.postMessage reaches the fake API.
// - phase "fill": open N intakes (one /incident each) and hold them open.
//
// Everything is bounded: fixed rate, fixed duration, a drain timeout, a cap on reporters.

import { BRUISING_CHAT_NARRATIVE, BRUISING_CLICKS } from '../test/helpers/seed-answers.js';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { escapeMrkdwn } from '../src/channels/slack/render.js';
import { blockActions, dmMessage, signSlackRequest, slashCommand, type SlackRequest } from '../test/helpers/slack.js';
import { startBenchSlackApi, type ApiCall } from './fake-slack-api.js';
import { summarise, type Summary } from './stats.js';

export type Command =
  | { cmd: 'app'; eventsUrl: string; secret: string; rate: number; seconds: number; maxOpen: number; warmup?: boolean }
  | { cmd: 'floor'; eventsUrl: string; secret: string; rate: number; seconds: number }
  | { cmd: 'fill'; eventsUrl: string; secret: string; count: number; concurrency: number }
  | { cmd: 'exit' };

/** What a turn was: the first message or the start button, the narrative, the confirm, or any other answer. */
export type TurnKind = 'start' | 'narrative' | 'confirm' | 'answer';

export interface PhaseResult {
  phase: 'app' | 'floor' | 'fill';
  sent: number;
  turns: Summary;
  acks: Summary;
  /** Requests not answered 200. */
  errors: number;
  /** Turns with no answer within the drain timeout. */
  lost: number;
  seconds: number;
  intakesStarted: number;
  intakesCompleted: number;
  /** Confirm sent → page reached the on-call manager's DM. */
  toPage: Summary;
  /** Pages that reached the manager before the confirm (an emergency answer earlier). */
  pagesBeforeConfirm: number;
  /** Confirmed intakes whose page never arrived within the drain timeout. */
  pagesMissing: number;
  /** Ticks with no reporter free to send (every one of maxOpen waiting for an answer): load not offered. */
  skipped: number;
  /** Turns per completed intake. */
  turnsPerIntake: number;
  /** Calls that reached the fake Slack Web API during the phase (any method, any channel). */
  apiCalls: number;
  /** The raw samples behind turns, acks and toPage (ms), so phases can be pooled. */
  samples: { turns: number[]; acks: number[]; toPage: number[] };
  /** Turn latencies (ms) by what the turn was: see TurnKind. */
  byKind: Partial<Record<TurnKind, number[]>>;
}

const ONCALL_DM = 'DONCALL01';
const DRAIN_MS = 15_000;
const MAX_REPORTERS = 20_000;
const JOIN_GAP_MS = 75;

// ---------------------------------------------------------------------------------------------
// The intake plan (the bruising seed example; steps not listed get "no" when offered, else "not sure")

const NARRATIVE = BRUISING_CHAT_NARRATIVE;
const PLAN: Record<string, string[]> = {
  life: ['no'],
  danger: ['no'],
  service: ['riverside-house'],
  narrative: [NARRATIVE],
  when: ['1 hour ago', 'yes'],
  ...BRUISING_CLICKS,
  confirm: ['yes'],
};

const flowSteps = (parse(readFileSync(new URL('../conversations/intake-flow.yaml', import.meta.url), 'utf8')) as { steps: Array<{ id: string; kind: string; text: string }> }).steps;
const textSteps = new Map(flowSteps.filter((s) => s.kind === 'text').map((s) => [escapeMrkdwn(s.text), s.id]));

interface Button {
  action_id: string;
  value: string;
}
type Seen =
  | { kind: 'question'; stepId: string; choices: Map<string, Button>; ts: string }
  | { kind: 'offer'; button: Button; ts: string }
  | { kind: 'decision' };

/** What a chat.postMessage in a reporter's DM is: a question, the offer to start, the decision, or just a line of text. */
function classify(call: ApiCall, ts: string): Seen | null {
  const text = call.params.get('text') ?? '';
  if (/what happens next/.test(text)) return { kind: 'decision' };
  const blocks = JSON.parse(call.params.get('blocks') ?? '[]') as Array<{ type: string; text?: { text: string }; elements?: Button[] }>;
  const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
  const choices = new Map<string, Button>();
  let stepId: string | undefined;
  for (const b of buttons) {
    if (b.action_id.startsWith('start')) return { kind: 'offer', button: b, ts };
    if (!b.action_id.startsWith('choice')) continue;
    const v = JSON.parse(b.value) as { stepId: string; choiceId: string };
    stepId = v.stepId;
    choices.set(v.choiceId, b);
  }
  if (stepId) return { kind: 'question', stepId, choices, ts };
  const first = blocks.find((b) => b.type === 'section')?.text?.text;
  const textStep = first ? textSteps.get(first) : undefined;
  return textStep ? { kind: 'question', stepId: textStep, choices, ts } : null;
}

// ---------------------------------------------------------------------------------------------
// HTTP out

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, secret: string, req: SlackRequest): Promise<{ status: number; ackMs: number }> {
  const started = performance.now();
  const body = Buffer.from(req.body);
  const headers = { 'content-type': req.contentType, 'content-length': String(body.length), ...signSlackRequest(secret, req.body, Math.floor(Date.now() / 1000)) };
  return new Promise((resolve) => {
    const r = request(url, { method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ackMs: performance.now() - started }));
    });
    r.on('error', () => resolve({ status: 0, ackMs: performance.now() - started }));
    r.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Reporters

interface Reporter {
  id: string;
  dm: string;
  subject: string;
  used: Map<string, number>;
  /** The message to act on next (null until the first answer arrives). */
  next: Seen | null;
  /** When the turn in flight was sent (performance.now()), or null when none is in flight. */
  sentAt: number | null;
  /** What the turn in flight is. */
  kind: TurnKind;
  confirmedAt: number | null;
  done: boolean;
}

let serial = 0;
const newReporter = (): Reporter => {
  serial += 1;
  const tag = `${serial.toString(36).toUpperCase()}`;
  return { id: `UBENCH${tag}`, dm: `DBENCH${tag}`, subject: `RB${tag}X`, used: new Map(), next: null, sentAt: null, kind: 'start', confirmedAt: null, done: false };
};

/** The request for a reporter's next turn, and what kind of turn it is. */
function nextRequest(r: Reporter): { req: SlackRequest; kind: TurnKind } {
  const seen = r.next;
  if (!seen) return { req: dmMessage({ user: r.id, text: 'I need to report something', channel: r.dm }), kind: 'start' };
  if (seen.kind === 'offer') return { req: blockActions({ user: r.id, actionId: seen.button.action_id, value: seen.button.value, channel: r.dm, messageTs: seen.ts }), kind: 'start' };
  if (seen.kind !== 'question') throw new Error('no next turn after the decision');
  const n = r.used.get(seen.stepId) ?? 0;
  r.used.set(seen.stepId, n + 1);
  const plan = seen.stepId === 'subject' ? [r.subject] : PLAN[seen.stepId];
  const todo = plan ? plan[Math.min(n, plan.length - 1)]! : seen.choices.has('no') ? 'no' : 'unsure';
  const button = seen.choices.get(todo);
  const req = button
    ? blockActions({ user: r.id, actionId: button.action_id, value: button.value, channel: r.dm, messageTs: seen.ts })
    : dmMessage({ user: r.id, text: todo, channel: r.dm });
  return { req, kind: seen.stepId === 'confirm' ? 'confirm' : seen.stepId === 'narrative' ? 'narrative' : 'answer' };
}

// ---------------------------------------------------------------------------------------------
// Phases

type Listener = (call: ApiCall) => void;
let listener: Listener = () => {};
const api = await startBenchSlackApi((call) => listener(call));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function emptyResult(phase: PhaseResult['phase']): PhaseResult {
  const none = summarise([]);
  return { phase, sent: 0, turns: none, acks: none, errors: 0, lost: 0, seconds: 0, intakesStarted: 0, intakesCompleted: 0, toPage: none, pagesBeforeConfirm: 0, pagesMissing: 0, skipped: 0, turnsPerIntake: 0, apiCalls: 0, samples: { turns: [], acks: [], toPage: [] }, byKind: {} };
}

/** Send `tick()` at `rate` per second for `seconds`, then wait until `inFlight()` is 0 (bounded). */
async function paced(rate: number, seconds: number, tick: () => void, inFlight: () => number): Promise<number> {
  const start = performance.now();
  const total = Math.round(rate * seconds);
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) {
      tick();
      sent += 1;
    }
    await sleep(1);
  }
  const elapsed = (performance.now() - start) / 1000;
  const drainEnd = performance.now() + DRAIN_MS;
  while (inFlight() > 0 && performance.now() < drainEnd) await sleep(5);
  return elapsed;
}

interface Pool {
  byDm: Map<string, Reporter>;
  bySubject: Map<string, Reporter>;
  ready: Reporter[];
  open: number;
  joinedAt: number;
}
const pools = new Map<string, Pool>();

/** A seeded generator (mulberry32), so every run picks reporters in the same order. */
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

async function runApp(c: Extract<Command, { cmd: 'app' }>): Promise<PhaseResult> {
  const url = new URL(c.eventsUrl);
  const out = emptyResult('app');
  const turnMs: number[] = [];
  const ackMs: number[] = [];
  const toPageMs: number[] = [];
  // The reporters carry on from the warm-up, so the measured run starts part-way through their intakes.
  const pool = (pools.get(c.eventsUrl) ?? pools.set(c.eventsUrl, { byDm: new Map(), bySubject: new Map(), ready: [], open: 0, joinedAt: -Infinity }).get(c.eventsUrl))!;
  const { byDm, bySubject, ready } = pool;
  let inFlight = 0;
  let awaitingPage = 0;
  let completedTurns = 0;

  let traceFrom: number | null = null;
  listener = (call) => {
    out.apiCalls += 1;
    if (process.env['BENCH_DEBUG'] && traceFrom !== null && call.at - traceFrom < 5000) process.stderr.write(`  +${(call.at - traceFrom).toFixed(0)} ms ${call.method} ${call.channel}\n`);
    // A multi-choice pick re-draws its question in place (chat.update with the choice buttons).
    const isUpdate = call.method === 'chat.update';
    if (call.method !== 'chat.postMessage' && !isUpdate) return;
    if (call.channel === ONCALL_DM) {
      if (isUpdate) return;
      const m = /RB[0-9A-Z]+X/.exec(call.params.get('blocks') ?? '');
      const r = m ? bySubject.get(m[0]) : undefined;
      if (!r) return;
      bySubject.delete(r.subject);
      if (r.confirmedAt === null) out.pagesBeforeConfirm += 1;
      else {
        toPageMs.push(call.at - r.confirmedAt);
        awaitingPage -= 1;
      }
      return;
    }
    const r = byDm.get(call.channel);
    if (!r || r.sentAt === null) return;
    const seen = classify(call, isUpdate ? (call.params.get('ts') ?? '') : (call.ts ?? ''));
    if (!seen) return;
    if (isUpdate && !(seen.kind === 'question' && seen.choices.size > 0)) return;
    turnMs.push(call.at - r.sentAt);
    (out.byKind[r.kind] ??= []).push(call.at - r.sentAt);
    if (process.env['BENCH_DEBUG']) process.stderr.write(`${r.id} ${r.next?.kind === 'question' ? r.next.stepId : r.next?.kind ?? 'hello'} took ${(call.at - r.sentAt).toFixed(1)} ms → ${seen.kind === 'question' ? seen.stepId : seen.kind}\n`);
    r.sentAt = null;
    inFlight -= 1;
    r.next = seen;
    if (seen.kind === 'decision') {
      r.done = true;
      out.intakesCompleted += 1;
      pool.open -= 1;
      completedTurns += [...r.used.values()].reduce((a, b) => a + b, 0) + 2;
      byDm.delete(r.dm);
      // Someone else starts a report: new reporters arrive whatever the app is doing (after the
      // warm-up), and are picked at random like the rest. (Joining only when every reporter was
      // waiting would start new reports exactly when the app was slowest.)
      if (!c.warmup && serial < MAX_REPORTERS) ready.push(join());
      return;
    }
    ready.push(r);
  };

  const join = (): Reporter => {
    pool.open += 1;
    const r = newReporter();
    byDm.set(r.dm, r);
    bySubject.set(r.subject, r);
    out.intakesStarted += 1;
    return r;
  };

  const tick = () => {
    // A reporter picked at random: real reporters are at every point of their intakes at once.
    // (Taking them in turn keeps them in step: then they all confirm in the same instant.)
    let r = ready.length ? ready.splice(Math.floor(random() * ready.length), 1)[0] : undefined;
    if (!r) {
      // In the warm-up, new reporters arrive at most one per JOIN_GAP_MS: a cold start would
      // otherwise bring them all in at the same instant, in step with each other for several intakes.
      const now = performance.now();
      if (serial >= MAX_REPORTERS || pool.open >= c.maxOpen || (c.warmup && now - pool.joinedAt < JOIN_GAP_MS)) {
        out.skipped += 1;
        return;
      }
      pool.joinedAt = now;
      r = join();
    }
    const { req, kind } = nextRequest(r);
    r.sentAt = performance.now();
    r.kind = kind;
    if (kind === 'confirm') {
      r.confirmedAt = r.sentAt;
      if (traceFrom === null) traceFrom = r.sentAt;
      if (bySubject.has(r.subject)) awaitingPage += 1;
    }
    inFlight += 1;
    out.sent += 1;
    void post(url, c.secret, req).then(({ status, ackMs: a }) => {
      ackMs.push(a);
      if (status !== 200) out.errors += 1;
    });
  };

  out.seconds = await paced(c.rate, c.seconds, tick, () => inFlight + awaitingPage);
  out.lost = inFlight;
  out.pagesMissing = awaitingPage;
  out.turnsPerIntake = out.intakesCompleted ? completedTurns / out.intakesCompleted : 0;
  out.turns = summarise(turnMs);
  out.acks = summarise(ackMs);
  out.toPage = summarise(toPageMs);
  out.samples = { turns: turnMs, acks: ackMs, toPage: toPageMs };
  listener = () => {};
  return out;
}

async function runFloor(c: Extract<Command, { cmd: 'floor' }>): Promise<PhaseResult> {
  const url = new URL(c.eventsUrl);
  const out = emptyResult('floor');
  const turnMs: number[] = [];
  const ackMs: number[] = [];
  const users = Array.from({ length: 2000 }, (_, i) => ({ id: `UFLOOR${i.toString(36).toUpperCase()}`, sentAt: null as number | null, turn: 0 }));
  const byDm = new Map(users.map((u) => [`D${u.id.slice(1)}`, u]));
  const ready = [...users];
  let inFlight = 0;

  listener = (call) => {
    out.apiCalls += 1;
    if (call.method !== 'chat.postMessage') return;
    const u = byDm.get(call.channel);
    if (!u || u.sentAt === null) return;
    turnMs.push(call.at - u.sentAt);
    u.sentAt = null;
    inFlight -= 1;
    ready.push(u);
  };

  const tick = () => {
    const u = ready.shift();
    if (!u) return;
    u.turn += 1;
    // The same mix as the app run: DM messages and button clicks.
    const req =
      u.turn % 2 === 1
        ? dmMessage({ user: u.id, text: 'no', channel: `D${u.id.slice(1)}` })
        : blockActions({ user: u.id, actionId: 'choice:0', value: '{"stepId":"x","choiceId":"no"}', channel: `D${u.id.slice(1)}`, messageTs: '1700000000.000100' });
    u.sentAt = performance.now();
    inFlight += 1;
    out.sent += 1;
    void post(url, c.secret, req).then(({ status, ackMs: a }) => {
      ackMs.push(a);
      if (status !== 200) out.errors += 1;
    });
  };

  out.seconds = await paced(c.rate, c.seconds, tick, () => inFlight);
  out.lost = inFlight;
  out.turns = summarise(turnMs);
  out.acks = summarise(ackMs);
  out.samples = { turns: turnMs, acks: ackMs, toPage: [] };
  listener = () => {};
  return out;
}

/** Open `count` intakes with /incident and wait until each has its first question. */
async function runFill(c: Extract<Command, { cmd: 'fill' }>): Promise<PhaseResult> {
  const url = new URL(c.eventsUrl);
  const out = emptyResult('fill');
  const waiting = new Map<string, () => void>();
  listener = (call) => {
    if (call.method !== 'chat.postMessage') return;
    const done = waiting.get(call.channel);
    if (done && classify(call, '')?.kind === 'question') {
      waiting.delete(call.channel);
      done();
    }
  };
  const started = performance.now();
  let next = 0;
  const one = async (): Promise<void> => {
    while (next < c.count) {
      next += 1;
      const r = newReporter();
      const asked = new Promise<void>((resolve) => waiting.set(r.dm, resolve));
      const req = slashCommand({ command: '/incident', text: NARRATIVE, user: r.id, channel: r.dm, channelName: 'directmessage' });
      let { status } = await post(url, c.secret, req);
      // A connection dropped before any answer (a keep-alive race in this client) is sent again,
      // as Slack would; the same trigger_id makes the retry harmless.
      if (status === 0) ({ status } = await post(url, c.secret, req));
      out.sent += 1;
      if (status !== 200) {
        out.errors += 1;
        waiting.delete(r.dm);
        continue;
      }
      const ok = await Promise.race([asked.then(() => true), sleep(DRAIN_MS).then(() => false)]);
      if (ok) out.intakesStarted += 1;
      else {
        out.lost += 1;
        waiting.delete(r.dm);
      }
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, one));
  out.seconds = (performance.now() - started) / 1000;
  listener = () => {};
  return out;
}

parentPort!.on('message', (c: Command) => {
  const run = async () => {
    if (c.cmd === 'exit') {
      agent.destroy();
      await api.close();
      parentPort!.postMessage({ cmd: 'bye' });
      return;
    }
    const result = c.cmd === 'app' ? await runApp(c) : c.cmd === 'floor' ? await runFloor(c) : await runFill(c);
    parentPort!.postMessage({ cmd: 'result', result });
  };
  run().catch((err: unknown) => parentPort!.postMessage({ cmd: 'error', message: String((err as Error)?.stack ?? err) }));
});
parentPort!.postMessage({ cmd: 'ready', apiUrl: api.url });
