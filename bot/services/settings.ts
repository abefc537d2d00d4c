import { Refusal } from '../domain/problems';
import { contactFrom, zoneOf, type CaseworkerContact, type ContactInput, type UserRecord } from '../domain/user';
import { problemText, t } from '../i18n';
import { ConcurrencyError, update } from '../store/port';
import type { Notice } from '../../cards/render';
import { settingsCard, zoneName, type ZoneState } from '../../cards/settings';
import type { ZoneChoice } from './action-data';
import type { Actor, CardReply, Deps } from './ports';
import { readUser } from './users';

/** My settings: the person's time zone (anyone's), and a caseworker's contact details for letters, to be filled in or corrected. */
export async function showSettings(deps: Deps, actor: Actor, notices: Notice[] = []): Promise<CardReply> {
  const user = await readUser(deps, actor.userKey);
  return { card: settingsCard(user?.contact, zoneState(deps, actor, user), actor.reader, deps.now(), notices) };
}

/** The person's zone as their record has it (the turn's own when Samråd has no record of them). */
function zoneState(deps: Deps, actor: Actor, user: UserRecord | undefined): ZoneState {
  const zone = user?.timeZone ? { timeZone: user.timeZone, timeZoneSource: user.timeZoneSource ?? 'teams' } : zoneOf(undefined, actor.teamsTimeZone, deps.defaultTimeZone);
  return { zone: zone.timeZone, source: zone.timeZoneSource, ...(actor.teamsTimeZone ? { teamsZone: actor.teamsTimeZone } : {}), defaultZone: deps.defaultTimeZone };
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
  let contact: CaseworkerContact | ContactInput = input;
  let notices: Notice[];
  try {
    contact = await storeContact(deps, actor, input);
    notices = [{ text: t(locale, 'settings.saved'), color: 'Good' }];
  } catch (err) {
    const refusal = err instanceof ConcurrencyError ? new Refusal({ code: 'busy' }) : err;
    if (!(refusal instanceof Refusal)) throw err;
    notices = refusal.problems.map((p): Notice => ({ text: problemText(locale, p), color: 'Attention' }));
  }
  const user = await readUser(deps, actor.userKey);
  return { card: settingsCard(contact, zoneState(deps, actor, user), actor.reader, deps.now(), notices) };
}

/**
 * Saves the time zone the person chose on the settings card, or goes back to "as Teams says"
 * (Teams' zone of this turn, else the default); with the ETag it read, for anyone, contact
 * details or not. A zone the card does not offer is refused in their language and nothing is
 * stored. The card that answers shows the zone saved, and its times in it.
 */
export async function saveZone(deps: Deps, actor: Actor, choice: ZoneChoice): Promise<CardReply> {
  const { locale } = actor.reader;
  if ('unknown' in choice) {
    deps.log.warn('settings.zoneRefused', {});
    return showSettings(deps, actor, [{ text: t(locale, 'settings.zoneUnknown'), color: 'Attention' }]);
  }
  let saved: UserRecord | undefined;
  try {
    saved = (
      await update(deps.stores.users, actor.userKey, actor.userKey, (doc) => {
        const zone =
          choice.zone === 'teams'
            ? zoneOf({ timeZone: doc.timeZone, timeZoneSource: doc.timeZoneSource === 'chosen' ? undefined : doc.timeZoneSource }, actor.teamsTimeZone, deps.defaultTimeZone)
            : { timeZone: choice.zone, timeZoneSource: 'chosen' as const };
        if (doc.timeZone === zone.timeZone && doc.timeZoneSource === zone.timeZoneSource) return undefined;
        return { ...doc, ...zone, updatedAt: deps.now().toUTC().toISO()! };
      })
    )?.doc;
  } catch (err) {
    if (!(err instanceof ConcurrencyError)) throw err;
    return showSettings(deps, actor, [{ text: problemText(locale, { code: 'busy' }), color: 'Attention' }]);
  }
  if (!saved?.timeZone) return showSettings(deps, actor);
  deps.log.info('settings.zoneSaved', { source: saved.timeZoneSource });
  // From this answer on, the person's cards show times in the zone saved.
  const reader = { ...actor.reader, timeZone: saved.timeZone };
  const name = zoneName(saved.timeZone, locale);
  const notice: Notice = { text: saved.timeZoneSource === 'chosen' ? t(locale, 'settings.zoneSaved', { zone: name }) : t(locale, 'settings.zoneFollowsTeams', { zone: name }), color: 'Good' };
  return { card: settingsCard(saved.contact, zoneState(deps, { ...actor, reader }, saved), reader, deps.now(), [notice]) };
}
