import type { CaseworkerContact } from '../bot/domain/user';
import type { Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import settingsTemplate from './templates/settings.json';

/** The data of the caseworker's contact details card. */
export interface SettingsData extends CardBase, CaseworkerContact {}

/** The caseworker's own contact details, printed on their letters so a family can answer. */
export function settingsCard(contact: CaseworkerContact | undefined, reader: Reader, notices: Notice[] = []): AdaptiveCard {
  return render<SettingsData>(settingsTemplate, { ...base(reader.locale, notices), name: '', organisation: '', phone: '', email: '', ...contact });
}
