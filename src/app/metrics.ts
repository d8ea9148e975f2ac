// Prometheus metrics (prom-client) served at GET /metrics. One registry per app instance, so
// tests can run several apps in one process.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  turnSeconds: Histogram;
  pagesSent: Counter;
  pagesFailed: Counter;
  ackSeconds: Histogram;
  timersPending: Gauge;
  timersOverdue: Gauge;
  platformErrors: Counter<'platform' | 'kind'>;
}

export function createMetrics(withDefaults = false): Metrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    turnSeconds: new Histogram({
      name: 'escalation_turn_seconds',
      help: 'Time to handle one chat turn',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    pagesSent: new Counter({ name: 'escalation_pages_sent_total', help: 'Pages delivered to a manager', registers: [registry] }),
    pagesFailed: new Counter({ name: 'escalation_pages_failed_total', help: 'Page attempts that failed and will be retried', registers: [registry] }),
    ackSeconds: new Histogram({
      name: 'escalation_time_to_acknowledge_seconds',
      help: 'Time from the first page to acknowledgement',
      buckets: [30, 60, 120, 300, 600, 900, 1800, 3600],
      registers: [registry],
    }),
    timersPending: new Gauge({ name: 'escalation_timers_pending', help: 'Durable timers waiting to fire', registers: [registry] }),
    timersOverdue: new Gauge({ name: 'escalation_timers_overdue', help: 'Durable timers past their time by more than 5 s and not started', registers: [registry] }),
    platformErrors: new Counter({
      name: 'escalation_platform_errors_total',
      help: 'Errors and rate limits from Slack or Teams',
      labelNames: ['platform', 'kind'],
      registers: [registry],
    }),
  };
}
