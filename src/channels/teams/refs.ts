// Stored Bot Framework conversation references, the only way to message a Teams user or channel
// proactively. Kept in the Store: `teams-ref` by user aadObjectId, `teams-channel-ref` by channel
// conversation id, and `teams-conv-ref` by conversation id (to update or reply to a sent message).

import type { ConversationReference } from 'botbuilder';
import type { Store } from '../../store/port.js';

export const NS_USER = 'teams-ref';
export const NS_CHANNEL = 'teams-channel-ref';
export const NS_CONVERSATION = 'teams-conv-ref';

export type StoredReference = Partial<ConversationReference>;

/** "19:abc@thread.tacv2;messageid=123" → "19:abc@thread.tacv2". */
export function baseConversationId(id: string): string {
  const i = id.indexOf(';messageid=');
  return i === -1 ? id : id.slice(0, i);
}

/** Teams channel and group conversation ids look like "19:...@thread..."; personal ones "a:...". */
export function isChannelConversation(id: string): boolean {
  return id.startsWith('19:');
}

export class ConversationRefs {
  constructor(private readonly store: Store) {}

  async user(aadObjectId: string): Promise<StoredReference | null> {
    return (await this.store.get<StoredReference>(NS_USER, aadObjectId))?.value ?? null;
  }

  async channel(channelId: string): Promise<StoredReference | null> {
    return (await this.store.get<StoredReference>(NS_CHANNEL, baseConversationId(channelId)))?.value ?? null;
  }

  /**
   * The reference to reach conversation `id`: a stored 1:1 or channel reference, else (for a
   * channel id) any stored channel reference re-pointed at it, since a tenant's channels share one
   * service URL. Null when nothing is stored.
   */
  async forConversation(id: string): Promise<StoredReference | null> {
    const base = baseConversationId(id);
    const exact =
      (await this.store.get<StoredReference>(NS_CONVERSATION, base))?.value ??
      (await this.store.get<StoredReference>(NS_CHANNEL, base))?.value;
    if (exact) return exact;
    if (!isChannelConversation(base)) return null;
    for (const other of await this.store.list(NS_CHANNEL)) {
      const ref = (await this.store.get<StoredReference>(NS_CHANNEL, other))?.value;
      if (ref?.serviceUrl) return { ...ref, conversation: { ...ref.conversation!, id: base } };
    }
    return null;
  }

  /** Remember a user's 1:1 conversation. */
  async saveUser(aadObjectId: string, ref: StoredReference): Promise<void> {
    const clean = withoutActivityId(ref);
    await this.upsert(NS_USER, aadObjectId, clean);
    if (clean.conversation?.id) await this.upsert(NS_CONVERSATION, clean.conversation.id, clean);
  }

  /** Remember a channel (by its base conversation id, never a thread id). */
  async saveChannel(ref: StoredReference): Promise<void> {
    const id = ref.conversation?.id;
    if (!id) return;
    const base = baseConversationId(id);
    const clean = withoutActivityId({ ...ref, conversation: { ...ref.conversation!, id: base } });
    await this.upsert(NS_CHANNEL, base, clean);
  }

  /** Write unless unchanged; a lost race is retried a few times (last write wins: refs are refreshed often). */
  private async upsert(ns: string, id: string, value: StoredReference): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.store.get<StoredReference>(ns, id);
      if (current && JSON.stringify(current.value) === JSON.stringify(value)) return;
      const written = await this.store.put(ns, id, value, current ? current.version : null);
      if (written !== null) return;
    }
    throw new Error(`Could not store the Teams conversation reference (${ns})`);
  }
}

/** A stored reference must not carry the activity it came from, or proactive sends become replies to it. */
function withoutActivityId(ref: StoredReference): StoredReference {
  const { activityId: _drop, ...rest } = ref;
  return JSON.parse(JSON.stringify(rest)) as StoredReference;
}
