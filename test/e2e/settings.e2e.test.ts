import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import { action, attachedCard, cardActions, cardInput, cardText } from '../support/cards';
import { Harness, type Answer, type Person } from '../support/harness';
import { planUntil } from '../support/scenarios';
import { catalog, LANGUAGES } from '../support/text';

// The UMD bundle: `lib/` is ES modules that Node cannot load from CommonJS.
const AC = require('adaptivecards/dist/adaptivecards.js');

/** The organisation's zone in this Samråd (`DEFAULT_TIME_ZONE`): neither the one Teams sends nor the one chosen. */
const DEFAULT_ZONE = 'Europe/Oslo';

/** The inputs the settings card sends with "Save the time zone": every input of the card, the contact details left empty. */
const emptyContact = { contactName: '', organisation: '', phone: '', email: '' };

describe('every user has a time zone, shown on the settings card where they can change it, through the HTTP endpoint', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = new Harness();
    await h.start({ DEFAULT_TIME_ZONE: DEFAULT_ZONE });
  });
  afterEach(async () => h.stop());

  /** A press from a Teams client that sends this zone, or none at all (no `localTimezone`, no clientInfo). */
  async function press(person: Person, zone: string | undefined, verb: string, inputs: Record<string, unknown> = {}): Promise<any> {
    const answer: Answer = await h.postRaw(
      h.activity(person, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'settings-activity',
        localTimezone: zone,
        value: { action: { type: 'Action.Execute', verb, data: { verb, ...inputs } }, trigger: 'manual' },
      }),
    );
    assert.equal(answer.status, 200, `${verb} answered ${answer.status}`);
    assert.equal(answer.body?.type, 'application/vnd.microsoft.card.adaptive', `${verb}: ${JSON.stringify(answer.body)}`);
    return answer.body.value;
  }

  const stored = async (person: Person) => h.app.deps.stores.users.read(`aad-${person.aadObjectId}`, `aad-${person.aadObjectId}`);

  /** The card's facts about the zone, by their title. */
  function facts(card: unknown): Map<string, string> {
    const out = new Map<string, string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      const el = node as Record<string, any>;
      if (el.type === 'FactSet') for (const f of el.facts) out.set(f.title, f.value);
      Object.values(el).forEach(visit);
    };
    visit(card);
    return out;
  }

  /** The time in a zone now by Samråd's clock, give or take the minute the press may have crossed. */
  const clockIn = (zone: string) => [0, 1].map((m) => h.now().minus({ minutes: m }).setZone(zone).toFormat('HH:mm'));

  for (const lang of LANGUAGES) {
    it(`in ${lang.locale}: the default without a zone from Teams, a zone chosen (and kept over Teams'), a bogus zone refused, and back to "as Teams says"`, async () => {
      const L = catalog(lang.locale);
      const person: Person = { aadObjectId: `5e771265-0000-4000-8000-00000000000${LANGUAGES.indexOf(lang)}`, name: 'Ilona Invitee', locale: lang.teams, timeZone: 'Europe/Stockholm' };
      const zoneFact = L('settings.zoneFact');
      const sourceFact = L('settings.zoneSourceFact');
      const nowFact = L('settings.zoneNowFact');

      // The app installed from a Teams client that sends no zone: the record has the organisation's zone, and says so.
      const installed = await h.postRaw(h.activity(person, { type: 'installationUpdate', action: 'add', localTimezone: undefined }));
      assert.equal(installed.status, 200);
      assert.deepEqual(pick((await stored(person))!.doc), { timeZone: DEFAULT_ZONE, timeZoneSource: 'default' });

      // The welcome card leads to the settings, which show the zone, where it came from and the time there now.
      const welcome = attachedCard(h.connector.posted().at(-1)!.body);
      assert.equal(action(welcome, 'settings.show').data.verb, 'settings.show');
      assert.ok(cardText(welcome).includes(L('settings.heading')));
      let card = await press(person, undefined, 'settings.show');
      assert.equal(facts(card).get(zoneFact), L('settings.zoneName.oslo'));
      assert.equal(facts(card).get(sourceFact), L('settings.zoneFromDefault'));
      assert.ok(clockIn(DEFAULT_ZONE).includes(facts(card).get(nowFact)!), `${facts(card).get(nowFact)} is not the time in Oslo`);
      assert.equal(cardInput(card, 'timeZone').value, 'teams', 'the zone follows Teams (which says nothing)');
      const choices = cardInput(card, 'timeZone').choices as { title: string; value: string }[];
      assert.deepEqual(
        choices.map((c) => c.value),
        ['teams', 'Europe/Stockholm', 'Europe/Copenhagen', 'Europe/Helsinki', 'Europe/Oslo', 'Atlantic/Reykjavik', 'Europe/London', 'Europe/Berlin', 'UTC'],
      );
      assert.equal(choices[0].title, L('settings.zoneAsTeamsNone', { zone: L('settings.zoneName.oslo') }));
      assert.equal(choices.find((c) => c.value === 'Europe/Helsinki')!.title, L('settings.zoneName.helsinki'));
      for (const key of ['settings.heading', 'settings.zoneTitle', 'settings.zoneIntro', 'settings.zoneChoose', 'settings.zoneSave', 'settings.title'] as const) {
        assert.ok(cardText(card).includes(L(key)), `the card shows ${key}`);
      }

      // In an Adaptive Cards client, "Save the time zone" is not held back by the empty contact details (nobody needs any to save a zone).
      const sdkCard = new AC.AdaptiveCard();
      sdkCard.parse(card, new AC.SerializationContext(AC.Versions.v1_5));
      const saveZone = allActions(sdkCard).find((a) => a.title === L('settings.zoneSave'))!;
      assert.ok(Object.keys(saveZone.getReferencedInputs()).includes('timeZone'));
      assert.deepEqual(saveZone.validateInputs(), [], 'no input stops the zone from being sent');

      // Teams now sends Stockholm: the zone follows Teams.
      card = await press(person, 'Europe/Stockholm', 'settings.show');
      assert.equal(facts(card).get(zoneFact), L('settings.zoneName.stockholm'));
      assert.equal(facts(card).get(sourceFact), L('settings.zoneFromTeams'));
      assert.equal(cardInput(card, 'timeZone').choices[0].title, L('settings.zoneAsTeams', { zone: L('settings.zoneName.stockholm') }));
      assert.deepEqual(pick((await stored(person))!.doc), { timeZone: 'Europe/Stockholm', timeZoneSource: 'teams' });

      // Helsinki chosen, with the contact details left empty: stored, and no contact details made up.
      card = await press(person, 'Europe/Stockholm', 'settings.zone', { ...emptyContact, timeZone: 'Europe/Helsinki' });
      assert.ok(cardText(card).includes(L('settings.zoneSaved', { zone: L('settings.zoneName.helsinki') })), cardText(card).slice(0, 300));
      assert.equal(facts(card).get(zoneFact), L('settings.zoneName.helsinki'));
      assert.equal(facts(card).get(sourceFact), L('settings.zoneChosen'));
      assert.ok(clockIn('Europe/Helsinki').includes(facts(card).get(nowFact)!), 'the time now, in Helsinki');
      assert.equal(cardInput(card, 'timeZone').value, 'Europe/Helsinki');
      const chosen = (await stored(person))!;
      assert.deepEqual(pick(chosen.doc), { timeZone: 'Europe/Helsinki', timeZoneSource: 'chosen' });
      assert.equal(chosen.doc.contact, undefined);

      // A zone the card does not offer is refused in the person's language, and nothing stored changes.
      for (const bogus of ['Mars/Olympus_Mons', 'America/New_York', 'europe/helsinki', '', '../x', 'x'.repeat(300)]) {
        card = await press(person, 'Europe/Stockholm', 'settings.zone', { ...emptyContact, timeZone: bogus });
        assert.ok(cardText(card).includes(L('settings.zoneUnknown')), `${JSON.stringify(bogus)}: ${cardText(card).slice(0, 200)}`);
        assert.equal(facts(card).get(zoneFact), L('settings.zoneName.helsinki'), 'the card still shows the zone stored');
        assert.deepEqual(await stored(person), chosen, `${JSON.stringify(bogus)} changed the stored record`);
      }

      // The chosen zone wins over what Teams sends on later turns: a meeting planned now is in Helsinki time,
      // and "My meetings" shows it at 10:00 while Teams keeps saying Stockholm.
      const { meetingId } = await planUntil(h, 'sent', person);
      assert.equal((await h.meeting(meetingId))!.when!.timeZone, 'Europe/Helsinki');
      assert.equal((await stored(person))!.doc.timeZone, 'Europe/Helsinki', 'the turns from Stockholm left the chosen zone');
      let list = cardText(await press(person, 'Europe/Stockholm', 'meetings.list'));
      assert.ok(list.includes('10:00–11:30') && !list.includes('09:00–10:30'), list.slice(0, 300));

      // Back to "as Teams says": Stockholm again, and the same meeting an hour earlier on the clock.
      card = await press(person, 'Europe/Stockholm', 'settings.zone', { ...emptyContact, timeZone: 'teams' });
      assert.ok(cardText(card).includes(L('settings.zoneFollowsTeams', { zone: L('settings.zoneName.stockholm') })), cardText(card).slice(0, 300));
      assert.equal(facts(card).get(sourceFact), L('settings.zoneFromTeams'));
      assert.equal(cardInput(card, 'timeZone').value, 'teams');
      assert.deepEqual(pick((await stored(person))!.doc), { timeZone: 'Europe/Stockholm', timeZoneSource: 'teams' });
      list = cardText(await press(person, 'Europe/Stockholm', 'meetings.list'));
      assert.ok(list.includes('09:00–10:30') && !list.includes('10:00–11:30'), list.slice(0, 300));
      // Saving the contact details leaves the zone as it is.
      card = await press(person, 'Europe/Stockholm', 'settings.save', { contactName: 'Ilona', organisation: '', phone: '+358 9 123 456', email: '', timeZone: 'Europe/Helsinki' });
      assert.ok(cardText(card).includes(L('settings.saved')));
      assert.deepEqual(pick((await stored(person))!.doc), { timeZone: 'Europe/Stockholm', timeZoneSource: 'teams' });
    });
  }

  it('a colleague Samråd first writes to (an invitation) gets the default, saying so, until Teams sends their own zone', async () => {
    const caseworker: Person = { aadObjectId: '5e771265-0000-4000-8000-0000000000c1', name: 'Kim Lind', locale: 'sv-SE', timeZone: 'Europe/Stockholm' };
    const nurse: Person = { aadObjectId: '5e771265-0000-4000-8000-0000000000c2', name: 'Noor Nurse', locale: 'fi-FI' };
    await planUntil(h, 'sent', caseworker, nurse);
    assert.deepEqual(pick((await stored(nurse))!.doc), { timeZone: DEFAULT_ZONE, timeZoneSource: 'default' });
    const card = await press(nurse, undefined, 'settings.show');
    assert.equal(facts(card).get(t('fi', 'settings.zoneSourceFact')), t('fi', 'settings.zoneFromDefault'));
    await press(nurse, 'Europe/Helsinki', 'settings.show');
    assert.deepEqual(pick((await stored(nurse))!.doc), { timeZone: 'Europe/Helsinki', timeZoneSource: 'teams' });
    // A later turn without a zone keeps what Teams said rather than falling back to the default.
    await press(nurse, undefined, 'settings.show');
    assert.deepEqual(pick((await stored(nurse))!.doc), { timeZone: 'Europe/Helsinki', timeZoneSource: 'teams' });
    assert.ok(cardActions(card).some((a) => a.verb === 'settings.zone'));
  });
});

function pick(doc: { timeZone?: string; timeZoneSource?: string }): { timeZone?: string; timeZoneSource?: string } {
  return { timeZone: doc.timeZone, timeZoneSource: doc.timeZoneSource };
}

/** Every action of a parsed card, in its action sets too. */
function allActions(card: any): any[] {
  const out: any[] = [];
  const visit = (el: any): void => {
    for (let i = 0; i < (el.getActionCount?.() ?? 0); i++) out.push(el.getActionAt(i));
    for (let i = 0; i < (el.getItemCount?.() ?? 0); i++) visit(el.getItemAt(i));
  };
  visit(card);
  return out;
}
