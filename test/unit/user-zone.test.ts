import assert from 'node:assert/strict';
import { isKnownZone } from '../../bot/domain/time';
import { ZONE_CHOICES, zoneOf } from '../../bot/domain/user';
import { parseZoneChoice } from '../../bot/services/action-data';

describe("a person's time zone (bot/domain/user.ts zoneOf)", () => {
  const DEFAULT = 'Europe/Oslo';

  it('is what Teams sends, or the default, saying so, when Teams sends none and nothing is known', () => {
    assert.deepEqual(zoneOf(undefined, 'Europe/Helsinki', DEFAULT), { timeZone: 'Europe/Helsinki', timeZoneSource: 'teams' });
    assert.deepEqual(zoneOf(undefined, undefined, DEFAULT), { timeZone: DEFAULT, timeZoneSource: 'default' });
    assert.deepEqual(zoneOf(undefined, 'Not/AZone', DEFAULT), { timeZone: DEFAULT, timeZoneSource: 'default' });
  });

  it('keeps a zone the person chose, whatever Teams sends', () => {
    const chosen = { timeZone: 'Europe/Helsinki', timeZoneSource: 'chosen' as const };
    assert.deepEqual(zoneOf(chosen, 'Europe/Stockholm', DEFAULT), chosen);
    assert.deepEqual(zoneOf(chosen, undefined, DEFAULT), chosen);
  });

  it("keeps what Teams said before on a turn without a zone, and moves from the default to Teams' zone when one comes", () => {
    assert.deepEqual(zoneOf({ timeZone: 'Europe/Copenhagen', timeZoneSource: 'teams' }, undefined, DEFAULT), { timeZone: 'Europe/Copenhagen', timeZoneSource: 'teams' });
    assert.deepEqual(zoneOf({ timeZone: DEFAULT, timeZoneSource: 'default' }, 'Europe/Copenhagen', DEFAULT), { timeZone: 'Europe/Copenhagen', timeZoneSource: 'teams' });
  });

  it('reads a record stored before the source was kept as following Teams (or the default)', () => {
    assert.deepEqual(zoneOf({ timeZone: 'Europe/Stockholm' }, 'Europe/Helsinki', DEFAULT), { timeZone: 'Europe/Helsinki', timeZoneSource: 'teams' });
    assert.deepEqual(zoneOf({ timeZone: 'Europe/Stockholm' }, undefined, DEFAULT), { timeZone: DEFAULT, timeZoneSource: 'default' });
  });

  it('offers only zones luxon knows', () => {
    for (const zone of Object.keys(ZONE_CHOICES)) assert.ok(isKnownZone(zone), zone);
  });
});

describe('the time zone from the settings card, read at the edge (parseZoneChoice)', () => {
  it('accepts the zones the card offers and "as Teams says", exactly as the card sends them', () => {
    assert.deepEqual(parseZoneChoice({ timeZone: 'Europe/Helsinki' }), { zone: 'Europe/Helsinki' });
    assert.deepEqual(parseZoneChoice({ timeZone: 'UTC' }), { zone: 'UTC' });
    assert.deepEqual(parseZoneChoice({ timeZone: 'teams' }), { zone: 'teams' });
  });

  it('calls anything else unknown, real zones the card does not offer too', () => {
    for (const timeZone of ['America/New_York', 'europe/helsinki', 'Europe/Helsinki/x', '', ' ', 'constructor', '__proto__', 'toString', '../x', 'x'.repeat(5000)]) {
      assert.deepEqual(parseZoneChoice({ timeZone }), { unknown: true }, JSON.stringify(timeZone.slice(0, 40)));
    }
    assert.deepEqual(parseZoneChoice({}), { unknown: true });
  });
});
