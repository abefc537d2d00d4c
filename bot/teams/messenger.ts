import { CardFactory, TurnContext, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { PostedCard } from '../domain/meeting';
import type { ConversationAddress } from '../domain/user';
import type { Logger } from '../log';
import { UnreachableError, type Messenger } from '../services/ports';
import type { AdaptiveCard } from '../../cards/render';
import { Pacer, statusCode } from './pacing';

/**
 * The Messenger on the Bot Framework connector: proactive messages paced to Teams' rate limits.
 * Retries are the connector client's own: its HTTP pipeline retries 429 after the Retry-After
 * Teams gives, and 5xx with a growing wait; what still fails is the caller's to retry (a job
 * tries again later).
 */
export class TeamsMessenger implements Messenger {
  private readonly pacer: Pacer;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly log: Logger,
    /** How many instances share Teams' limits now (the Pacer divides them by it). */
    share: () => number = () => 1,
    /** The least time between two requests of a lone instance (25 ms: 40 a second); the Pacer multiplies it by the share. */
    spacingMs?: number,
  ) {
    this.pacer = new Pacer(undefined, spacingMs, undefined, undefined, share);
  }

  async openPersonalChat(via: ConversationAddress, userId: string): Promise<ConversationAddress> {
    let address: ConversationAddress | undefined;
    // Teams counts a "create conversation" against the thread it opens (the bot's 1:1 chat with this
    // user), like the messages in it, and every request against the app's limit in the tenant (the
    // Pacer's spacing): a fan-out opening forty chats is not held to one conversation's 7 a second.
    await this.call('create', `personal:${via.tenantId}:${userId}`, () =>
      this.adapter.createConversationAsync(
        this.appId,
        via.channelId,
        via.serviceUrl,
        null as unknown as string,
        {
          isGroup: false,
          bot: { id: via.botId, name: '' },
          members: [{ id: userId, name: '' }],
          tenantId: via.tenantId,
          channelData: { tenant: { id: via.tenantId } },
        } as never,
        async (context) => {
          address = { ...via, conversationId: context.activity.conversation.id, userId };
        },
      ),
    );
    if (!address) throw new UnreachableError(0);
    return address;
  }

  async sendCard(to: ConversationAddress, card: AdaptiveCard, summary: string): Promise<PostedCard> {
    const id = await this.inConversation(to, (context) =>
      context.sendActivity({ type: 'message', summary, attachments: [CardFactory.adaptiveCard(card)] }).then((r) => r?.id ?? ''),
    );
    return { conversationId: to.conversationId, activityId: id };
  }

  async updateCard(to: ConversationAddress, activityId: string, card: AdaptiveCard): Promise<void> {
    await this.inConversation(to, (context) =>
      context.updateActivity({ type: 'message', id: activityId, attachments: [CardFactory.adaptiveCard(card)] }).then(() => ''),
    );
  }

  async sendText(to: ConversationAddress, text: string): Promise<void> {
    await this.inConversation(to, (context) => context.sendActivity({ type: 'message', text }).then((r) => r?.id ?? ''));
  }

  /** Runs a send in a conversation; the SDK would hand its errors to onTurnError, so they are carried out here. */
  private async inConversation(to: ConversationAddress, send: (context: TurnContext) => Promise<string>): Promise<string> {
    const reference: Partial<ConversationReference> = {
      channelId: to.channelId,
      serviceUrl: to.serviceUrl,
      conversation: { id: to.conversationId, isGroup: !!to.group, conversationType: to.group ? 'groupChat' : 'personal', tenantId: to.tenantId, name: '' },
      bot: { id: to.botId, name: '' },
      user: { id: to.userId, name: '' },
    };
    return this.call('send', to.conversationId, async () => {
      let result = '';
      let failure: unknown;
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        try {
          result = await send(context);
        } catch (err) {
          failure = err;
        }
      });
      if (failure) throw failure;
      return result;
    });
  }

  private async call<T>(kind: string, conversation: string, fn: () => Promise<T>): Promise<T> {
    await this.pacer.wait(conversation);
    try {
      return await fn();
    } catch (err) {
      const status = statusCode(err);
      if (status === 403 || status === 404) throw new UnreachableError(status);
      this.log.warn('connector.failed', { kind, status });
      throw err;
    }
  }
}
