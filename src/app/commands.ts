// Chat commands: /oncall (who is on call now and next), /oncall check (who cannot be paged),
// /escalations (open incidents, overdue first), help.

import type { ChatCommand } from '../channels/port.js';
import { CODE_LABELS, localTime } from '../core/messages.js';
import { can, unreachable } from '../core/people.js';
import { overdueActions } from '../core/follow-through.js';
import { whoIsOnCall } from '../core/rota.js';
import type { Block, Incident, OutMessage, UserRef } from '../core/types.js';
import type { AppContext } from './context.js';
import { reportReply } from '../records/app-hooks.js';
import { activeOverrides, changeOnCall } from './oncall.js';
import type { IncidentRepo } from './incident-repo.js';

function reply(title: string, lines: string[]): OutMessage {
  const blocks: Block[] = [{ type: 'heading', text: title }, lines.length ? { type: 'list', items: lines } : { type: 'text', text: 'Nothing to show.' }];
  return { kind: 'say', text: [title, ...lines.map((l) => `• ${l}`)].join('\n'), blocks };
}

export async function commandReply(ctx: AppContext, repo: IncidentRepo, user: UserRef, name: ChatCommand, args: string): Promise<OutMessage> {
  const org = ctx.org;
  const person = (id?: string) => org.people.find((p) => p.id === id);
  if (name === 'oncall') {
    const words = args.trim().split(/\s+/).filter(Boolean);
    if (words[0] === 'take' || words[0] === 'swap') return reply('On call', [await changeOnCall(ctx, user, words)]);
    if (args.trim() === 'check') {
      const warnings = unreachable(org, ctx.now());
      return reply(warnings.length ? 'Who cannot be paged' : 'Everyone on the rotas can be paged', warnings.map((w) => w.message));
    }
    const lines: string[] = [];
    const overrides = await activeOverrides(ctx);
    for (const service of org.services) {
      for (const t of whoIsOnCall(org, service.id, ctx.now(), overrides)) {
        const now = t.current ? `${person(t.current.personId)?.name ?? t.current.personId} (${person(t.current.personId)?.phone ?? 'no phone'})` : 'NOBODY';
        const next = t.next ? `, then ${person(t.next.personId)?.name ?? t.next.personId} from ${localTime(t.next.from.toISOString(), org.timezone)}` : '';
        lines.push(`${service.name} · ${t.label}: ${now}${next}`);
      }
    }
    return reply('On call now', lines);
  }
  if (name === 'escalations') {
    const words = args.trim().split(/\s+/).filter(Boolean);
    if (words[0] === 'report') return reportReply(ctx.store, org, user, words.slice(1).join(' '), ctx.now());
    const open = await repo.open();
    const mine = can(org, user, 'see_all') ? open : open.filter((i) => i.reporter.platform === user.platform && i.reporter.id === user.id);
    const now = ctx.now();
    const overdue = (i: Incident) => [
      ...i.escalations.filter((e) => e.itemStatus === 'open' && e.status !== 'done' && e.level === 'required' && e.dueAt && new Date(e.dueAt) < now).map((e) => CODE_LABELS[e.code]),
      ...overdueActions(i, now).map((a) => `action ${a.id}`),
    ];
    mine.sort((a, b) => overdue(b).length - overdue(a).length || a.createdAt.localeCompare(b.createdAt));
    const lines = mine.map((i) => {
      const late = overdue(i);
      const openCount = i.escalations.filter((e) => e.level === 'required' && e.itemStatus === 'open' && e.status !== 'done').length;
      const service = org.services.find((s) => s.id === i.serviceId)?.name ?? i.serviceId;
      return `${i.ref} · ${service} · ${i.subject || '-'} · ${openCount} open${late.length ? ` · OVERDUE: ${late.join(', ')}` : ''}`;
    });
    return reply(`Open escalations (${lines.length})`, lines);
  }
  return reply('What I can do', [
    'Report an incident: send me a message, or use /incident.',
    '/oncall: who is on call now and next. /oncall check: who cannot be paged.',
    '/escalations: open incidents, overdue first. /escalations report [FROM TO]: governance figures.',
    'If someone is in danger, call 999 first.',
  ]);
}
