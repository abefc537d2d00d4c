import { Refusal } from '../domain/problems';
import { contactFrom, type CaseworkerContact, type ContactInput } from '../domain/user';
import { problemText, t } from '../i18n';
import { ConcurrencyError, update } from '../store/port';
import type { Notice } from '../../cards/render';
import { settingsCard } from '../../cards/settings';
import type { Actor, CardReply, Deps } from './ports';
import { readUser } from './users';

/** The caseworker's contact details for letters: shown to be filled in or corrected. */
export async function showSettings(deps: Deps, actor: Actor): Promise<CardReply> {
  const user = await readUser(deps, actor.userKey);
  return { card: settingsCard(user?.contact, actor.reader) };
}

/** Checks and stores the caseworker's contact details (a Refusal names what is wrong). */
export async function storeContact(deps: Deps, actor: Actor, input: ContactInput): Promise<CaseworkerContact> {
  const contact = contactFrom(input);
  await update(deps.stores.users, actor.userKey, actor.userKey, (doc) => ({ ...doc, contact, updatedAt: deps.now().toUTC().toISO()! }));
  deps.log.info('settings.saved', {});
  return contact;
}

/** Saves the caseworker's contact details; a refusal keeps what they typed and names the field. */
export async function saveSettings(deps: Deps, actor: Actor, input: ContactInput): Promise<CardReply> {
  const { locale } = actor.reader;
  try {
    const contact = await storeContact(deps, actor, input);
    return { card: settingsCard(contact, actor.reader, [{ text: t(locale, 'settings.saved'), color: 'Good' }]) };
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    const notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
    return { card: settingsCard(input, actor.reader, notices) };
  }
}
