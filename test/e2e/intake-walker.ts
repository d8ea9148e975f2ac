// Walks an intake in any chat channel's end-to-end tests: finds the newest question, decides what
// to do from the test's plan, and clicks or types. The Slack and Teams drivers and the scale-out
// test supply how to find a question and how to click or type on their platform.

export interface AskedQuestion<C> {
  stepId: string;
  choices: Map<string, C>;
}

/** What to do at a step: each entry is a choice id to click, or text to type; used in order. */
export type IntakePlan = Record<string, string[]>;

export interface WalkOptions<Q extends AskedQuestion<C>, C> {
  plan: IntakePlan;
  /** The newest question at or after call index `since`, or null. */
  latest: (since: number) => Q | null;
  /** How many platform calls have been recorded so far. */
  calls: () => number;
  click: (q: Q, choice: C, turn: number, choiceId: string) => Promise<unknown>;
  type: (text: string, turn: number) => Promise<unknown>;
  from?: number;
  stopAt?: string;
  /** Called after each answer (e.g. to wait for the platform call it causes). */
  after?: (q: Q, since: number) => Promise<unknown>;
}

/**
 * Answer questions as they come until none is asked. Steps not in the plan get "No" when offered,
 * else "Not sure"; a choice step with no plan and no such choice is an error. Returns the step ids
 * in the order they were asked.
 */
export async function walkIntake<Q extends AskedQuestion<C>, C>(o: WalkOptions<Q, C>): Promise<string[]> {
  const asked: string[] = [];
  const used = new Map<string, number>();
  let since = o.from ?? 0;
  for (let turn = 0; turn < 80; turn++) {
    const q = o.latest(since);
    if (!q || q.stepId === o.stopAt) return asked;
    asked.push(q.stepId);
    since = o.calls();
    const n = used.get(q.stepId) ?? 0;
    used.set(q.stepId, n + 1);
    const plan = o.plan[q.stepId];
    const todo = plan ? plan[Math.min(n, plan.length - 1)]! : q.choices.has('no') ? 'no' : 'unsure';
    const choice = q.choices.get(todo);
    if (choice) await o.click(q, choice, turn, todo);
    else if (q.choices.size > 0 && !plan) throw new Error(`No answer for step ${q.stepId}`);
    else await o.type(todo, turn);
    await o.after?.(q, since);
  }
  throw new Error(`The intake did not finish: ${asked.join(' → ')}`);
}
