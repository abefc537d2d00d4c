import { DateTime } from 'luxon';
import type { Locale } from '../bot/domain/meeting';
import { isChoosableZone, ZONE_CHOICES, type CaseworkerContact, type ZoneSource } from '../bot/domain/user';
import { t } from '../bot/i18n';
import { zoneLabel, type Fact, type Reader } from './format';
import { base, render, type AdaptiveCard, type CardBase, type Notice } from './render';
import settingsTemplate from './templates/settings.json';

/** The person's time zone as the settings card shows it. */
export interface ZoneState {
  /** The zone in use (IANA). */
  zone: string;
  source: ZoneSource;
  /** The zone Teams sent with this turn, if any: what "as Teams says" means now. */
  teamsZone?: string;
  /** The organisation's zone, what "as Teams says" gives while Teams sends none. */
  defaultZone: string;
}

/** The data of the settings card. */
export interface SettingsData extends CardBase, CaseworkerContact {
  zoneFacts: Fact[];
  zoneChoices: { title: string; value: string }[];
  /** `teams` while the zone follows Teams (or the default), else the zone chosen. */
  zoneValue: string;
}

/** The value of "as Teams says" among the zone choices. */
export const AS_TEAMS = 'teams';

const SOURCE_TEXT = { teams: 'settings.zoneFromTeams', default: 'settings.zoneFromDefault', chosen: 'settings.zoneChosen' } as const;

/**
 * A time zone by its name in the reader's language: "Finland (Helsingfors)" for the zones the card
 * offers, otherwise the zone's generic name from the language's own data (never an IANA name).
 */
export function zoneName(zone: string, locale: Locale): string {
  return isChoosableZone(zone) ? t(locale, `settings.zoneName.${ZONE_CHOICES[zone]}`) : zoneLabel(zone, locale);
}

/**
 * My settings: the person's time zone, where it came from and the time there now, with the
 * zones to choose from (anyone can save it, with its own button, without the contact details);
 * and a caseworker's own contact details, printed on their letters so a family can answer.
 */
export function settingsCard(contact: CaseworkerContact | undefined, zone: ZoneState, reader: Reader, now: DateTime, notices: Notice[] = []): AdaptiveCard {
  const { locale } = reader;
  const here = now.setZone(zone.zone).setLocale(locale);
  const zoneFacts: Fact[] = [
    { title: t(locale, 'settings.zoneFact'), value: zoneName(zone.zone, locale) },
    { title: t(locale, 'settings.zoneSourceFact'), value: t(locale, SOURCE_TEXT[zone.source]) },
    { title: t(locale, 'settings.zoneNowFact'), value: here.isValid ? here.toFormat('HH:mm') : '' },
  ];
  // What choosing "as Teams says" would give now (see `zoneOf`): Teams' zone of this turn, the one Teams sent before, or the default.
  const teamsZone = zone.teamsZone ?? (zone.source === 'teams' ? zone.zone : undefined);
  const asTeams = teamsZone
    ? t(locale, 'settings.zoneAsTeams', { zone: zoneName(teamsZone, locale) })
    : t(locale, 'settings.zoneAsTeamsNone', { zone: zoneName(zone.defaultZone, locale) });
  const zoneChoices = [{ title: asTeams, value: AS_TEAMS }, ...Object.keys(ZONE_CHOICES).map((value) => ({ title: zoneName(value, locale), value }))];
  return render<SettingsData>(settingsTemplate, {
    ...base(locale, notices),
    name: '',
    organisation: '',
    phone: '',
    email: '',
    ...contact,
    zoneFacts,
    zoneChoices,
    zoneValue: zone.source === 'chosen' ? zone.zone : AS_TEAMS,
  });
}
