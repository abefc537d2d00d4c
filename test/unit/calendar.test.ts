import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { addWorkingDays, COUNTRIES, countryOfZone, isWorkingDay, nextWorkingMoment, WORKING_HOURS, type Country } from '../../bot/domain/calendar';

const STOCKHOLM = 'Europe/Stockholm';
const COPENHAGEN = 'Europe/Copenhagen';
const HELSINKI = 'Europe/Helsinki';

/** A wall-clock time in a zone, as the instant it is. */
const local = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });
/** An instant given in UTC. */
const utc = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' });
/** The answer for an instant, as an ISO instant in UTC (milliseconds left out). */
const next = (instant: DateTime, zone: string, country: Country) => nextWorkingMoment(instant, zone, country).toUTC().toISO({ suppressMilliseconds: true });

describe('working days and quiet hours (bot/domain/calendar.ts)', () => {
  describe('countryOfZone', () => {
    it('reads Sweden, Denmark and Finland (Åland too) from their zones', () => {
      assert.equal(countryOfZone(STOCKHOLM, 'DK'), 'SE', 'Stockholm time is Sweden');
      assert.equal(countryOfZone(COPENHAGEN, 'SE'), 'DK', 'Copenhagen time is Denmark');
      assert.equal(countryOfZone(HELSINKI, 'SE'), 'FI', 'Helsinki time is Finland');
      assert.equal(countryOfZone('Europe/Mariehamn', 'SE'), 'FI', 'Mariehamn (Åland) keeps Finland\'s holidays');
    });

    it('gives the fallback for any other zone, including Oslo, UTC and a name that is not a zone', () => {
      assert.equal(countryOfZone('Europe/Oslo', 'SE'), 'SE', 'Norway is not one of the three: the fallback, Sweden');
      assert.equal(countryOfZone('Europe/Berlin', 'DK'), 'DK', 'Berlin: the fallback, Denmark');
      assert.equal(countryOfZone('UTC', 'FI'), 'FI', 'UTC: the fallback, Finland');
      assert.equal(countryOfZone('', 'DK'), 'DK', 'no zone at all: the fallback, Denmark');
      assert.equal(countryOfZone('Not/A_Zone', 'SE'), 'SE', 'an unknown name: the fallback, Sweden');
    });

    it('knows exactly the three countries', () => {
      assert.deepEqual([...COUNTRIES], ['SE', 'DK', 'FI']);
    });
  });

  describe('isWorkingDay', () => {
    it('counts Monday to Friday and not the weekend', () => {
      for (const country of COUNTRIES) {
        assert.equal(isWorkingDay('2027-09-13', country), true, `${country}: Monday 13 September 2027 is a working day`);
        assert.equal(isWorkingDay('2027-09-17', country), true, `${country}: Friday 17 September 2027 is a working day`);
        assert.equal(isWorkingDay('2027-09-18', country), false, `${country}: Saturday 18 September 2027 is not`);
        assert.equal(isWorkingDay('2027-09-19', country), false, `${country}: Sunday 19 September 2027 is not`);
      }
    });

    it('keeps Ascension Day (Kristi himmelfärdsdag, Kristi himmelfartsdag, helatorstai) free in all three countries', () => {
      for (const country of COUNTRIES) {
        assert.equal(isWorkingDay('2027-05-06', country), false, `${country}: Thursday 6 May 2027 is Ascension Day`);
        assert.equal(isWorkingDay('2027-05-07', country), true, `${country}: Friday 7 May 2027, the day after, is a working day`);
      }
    });

    it('keeps Christmas Eve and 26 December free in all three countries', () => {
      for (const country of COUNTRIES) {
        assert.equal(isWorkingDay('2029-12-24', country), false, `${country}: Monday 24 December 2029 (julafton, juleaftensdag, jouluaatto) is a day off`);
        assert.equal(isWorkingDay('2029-12-25', country), false, `${country}: Tuesday 25 December 2029 is Christmas Day`);
        assert.equal(isWorkingDay('2029-12-26', country), false, `${country}: Wednesday 26 December 2029 (annandag jul, anden juledag, tapaninpäivä) is a holiday`);
        assert.equal(isWorkingDay('2029-12-27', country), true, `${country}: Thursday 27 December 2029 is a working day again`);
      }
    });

    it('keeps midsommarafton free in Sweden and juhannusaatto in Finland, but not the same Friday in Denmark', () => {
      assert.equal(isWorkingDay('2027-06-25', 'SE'), false, 'Sweden: Friday 25 June 2027 is midsommarafton');
      assert.equal(isWorkingDay('2027-06-25', 'FI'), false, 'Finland: Friday 25 June 2027 is juhannusaatto');
      assert.equal(isWorkingDay('2027-06-25', 'DK'), true, 'Denmark: Friday 25 June 2027 is an ordinary working day');
      assert.equal(isWorkingDay('2027-06-18', 'SE'), true, 'Sweden: Friday 18 June 2027, a week earlier, is a working day');
    });

    it('keeps nyårsafton free in Sweden, while 31 December is a working day in Finland', () => {
      assert.equal(isWorkingDay('2027-12-31', 'SE'), false, 'Sweden: Friday 31 December 2027 is nyårsafton');
      assert.equal(isWorkingDay('2027-12-31', 'FI'), true, 'Finland: Friday 31 December 2027 (uudenvuodenaatto) is a working day');
    });

    it('keeps grundlovsdag free in Denmark only', () => {
      assert.equal(isWorkingDay('2029-06-05', 'DK'), false, 'Denmark: Tuesday 5 June 2029 is grundlovsdag');
      assert.equal(isWorkingDay('2029-06-05', 'SE'), true, 'Sweden: Tuesday 5 June 2029 is a working day');
      assert.equal(isWorkingDay('2029-06-05', 'FI'), true, 'Finland: Tuesday 5 June 2029 is a working day');
    });

    it('knows that Denmark abolished Store Bededag from 2024', () => {
      assert.equal(isWorkingDay('2023-05-05', 'DK'), false, 'Denmark: Friday 5 May 2023 was Store Bededag, a holiday');
      assert.equal(isWorkingDay('2024-04-26', 'DK'), true, 'Denmark: Friday 26 April 2024, where Store Bededag would have been, is a working day');
      assert.equal(isWorkingDay('2027-04-23', 'DK'), true, 'Denmark: Friday 23 April 2027, where Store Bededag would have been, is a working day');
    });

    it('keeps each country\'s national day free in that country only', () => {
      assert.equal(isWorkingDay('2028-06-06', 'SE'), false, 'Sweden: Tuesday 6 June 2028 is nationaldagen');
      assert.equal(isWorkingDay('2028-06-06', 'FI'), true, 'Finland: Tuesday 6 June 2028 is a working day');
      assert.equal(isWorkingDay('2027-12-06', 'FI'), false, 'Finland: Monday 6 December 2027 is itsenäisyyspäivä');
      assert.equal(isWorkingDay('2027-12-06', 'SE'), true, 'Sweden: Monday 6 December 2027 is a working day');
    });

    it('keeps skærtorsdag free in Denmark, while skärtorsdagen is a working day in Sweden and Finland', () => {
      assert.equal(isWorkingDay('2027-03-25', 'DK'), false, 'Denmark: Thursday 25 March 2027 is skærtorsdag');
      assert.equal(isWorkingDay('2027-03-25', 'SE'), true, 'Sweden: Thursday 25 March 2027 is a working day');
      assert.equal(isWorkingDay('2027-03-25', 'FI'), true, 'Finland: Thursday 25 March 2027 is a working day');
      for (const country of COUNTRIES) {
        assert.equal(isWorkingDay('2027-03-26', country), false, `${country}: Friday 26 March 2027 is Good Friday`);
        assert.equal(isWorkingDay('2027-03-29', country), false, `${country}: Monday 29 March 2027 is Easter Monday`);
      }
    });

    it('refuses a date that is not a local ISO date', () => {
      assert.throws(() => isWorkingDay('2027-02-30', 'SE'), RangeError, '30 February does not exist');
      assert.throws(() => isWorkingDay('17.9.2027', 'FI'), RangeError, 'a Finnish-style date is not yyyy-MM-dd');
      assert.throws(() => isWorkingDay('2027-09-17T10:00', 'DK'), RangeError, 'an instant is not a date');
    });
  });

  describe('nextWorkingMoment', () => {
    it('sends from 08:00 until 17:00', () => {
      assert.deepEqual(WORKING_HOURS, { from: 8, to: 17 });
    });

    it('lets a nudge at Friday 16:30 in Stockholm go at once', () => {
      const friday = local('2027-09-17T16:30', STOCKHOLM);
      assert.equal(next(friday, STOCKHOLM, 'SE'), '2027-09-17T14:30:00Z', 'Friday 17 September 2027 16:30 Stockholm time stays as it is');
    });

    it('holds a nudge at Friday 17:30 in Stockholm until Monday 08:00', () => {
      const friday = local('2027-09-17T17:30', STOCKHOLM);
      assert.equal(next(friday, STOCKHOLM, 'SE'), '2027-09-20T06:00:00Z', 'Friday 17:30 becomes Monday 20 September 2027 08:00 Stockholm time (summer time, UTC+2)');
    });

    it('treats 17:00 as the first quiet minute and 08:00 as the first working one', () => {
      assert.equal(next(local('2027-09-17T17:00', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-20T06:00:00Z', 'Friday 17:00 becomes Monday 08:00 Stockholm time');
      assert.equal(next(local('2027-09-14T16:59', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-14T14:59:00Z', 'Tuesday 16:59 stays');
      assert.equal(next(local('2027-09-14T08:00', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-14T06:00:00Z', 'Tuesday 08:00 stays');
      assert.equal(next(local('2027-09-14T07:59', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-14T06:00:00Z', 'Tuesday 07:59 waits a minute, until Tuesday 08:00 the same day');
      assert.equal(next(local('2027-09-14T23:10', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-15T06:00:00Z', 'Tuesday 23:10 becomes Wednesday 08:00');
      assert.equal(next(local('2027-09-15T00:10', STOCKHOLM), STOCKHOLM, 'SE'), '2027-09-15T06:00:00Z', 'Wednesday 00:10 after midnight becomes Wednesday 08:00 the same day');
    });

    it('returns the instant in UTC, whichever zone it came in', () => {
      const answer = nextWorkingMoment(local('2027-09-14T10:00', HELSINKI), HELSINKI, 'FI');
      assert.equal(answer.zoneName, 'UTC', 'Tuesday 10:00 Helsinki time is returned in UTC');
      assert.equal(answer.toISO({ suppressMilliseconds: true }), '2027-09-14T07:00:00Z', 'Tuesday 10:00 Helsinki time is 07:00 UTC');
    });

    it('holds a nudge on midsommarafton 2027 in Sweden until Monday 28 June 08:00, and the same in Finland on juhannusaatto', () => {
      const morning = local('2027-06-25T10:00', STOCKHOLM);
      assert.equal(next(morning, STOCKHOLM, 'SE'), '2027-06-28T06:00:00Z', 'Friday 25 June 2027 10:00 Stockholm time becomes Monday 28 June 08:00 Stockholm time');
      assert.equal(next(morning, HELSINKI, 'FI'), '2027-06-28T05:00:00Z', 'the same instant, Friday 11:00 Helsinki time, becomes Monday 28 June 08:00 Helsinki time');
      assert.equal(next(morning, COPENHAGEN, 'DK'), '2027-06-25T08:00:00Z', 'in Copenhagen Friday 25 June 10:00 is working time and stays');
    });

    it('holds a nudge on Ascension Day until Friday morning', () => {
      assert.equal(next(local('2027-05-06T09:00', STOCKHOLM), STOCKHOLM, 'SE'), '2027-05-07T06:00:00Z', 'Kristi himmelfärdsdag, Thursday 6 May 2027 09:00, becomes Friday 7 May 08:00 Stockholm time');
      assert.equal(next(local('2027-05-05T17:15', COPENHAGEN), COPENHAGEN, 'DK'), '2027-05-07T06:00:00Z', 'Wednesday 5 May 17:15 in Copenhagen skips Kristi himmelfartsdag: Friday 7 May 08:00');
    });

    it('holds a nudge over Christmas until the first working day after 26 December', () => {
      const evening = local('2027-12-23T17:30', STOCKHOLM);
      assert.equal(next(evening, STOCKHOLM, 'SE'), '2027-12-27T07:00:00Z', 'Thursday 23 December 2027 17:30 becomes Monday 27 December 08:00 Stockholm time (winter time, UTC+1)');
      assert.equal(next(local('2029-12-24T09:00', COPENHAGEN), COPENHAGEN, 'DK'), '2029-12-27T07:00:00Z', 'juleaftensdag, Monday 24 December 2029 09:00, becomes Thursday 27 December 08:00 Copenhagen time');
      assert.equal(next(local('2029-12-26T12:00', HELSINKI), HELSINKI, 'FI'), '2029-12-27T06:00:00Z', 'tapaninpäivä, Wednesday 26 December 2029 noon, becomes Thursday 27 December 08:00 Helsinki time');
    });

    it('gives the same instant different answers in Stockholm, Copenhagen and Helsinki, Helsinki being an hour ahead', () => {
      const lateFriday = utc('2027-09-17T14:30:00Z');
      assert.equal(next(lateFriday, STOCKHOLM, 'SE'), '2027-09-17T14:30:00Z', 'Friday 16:30 in Stockholm: at once');
      assert.equal(next(lateFriday, COPENHAGEN, 'DK'), '2027-09-17T14:30:00Z', 'Friday 16:30 in Copenhagen: at once');
      assert.equal(next(lateFriday, HELSINKI, 'FI'), '2027-09-20T05:00:00Z', 'Friday 17:30 in Helsinki: Monday 08:00 Helsinki time');

      const earlyMonday = utc('2027-09-20T05:30:00Z');
      assert.equal(next(earlyMonday, STOCKHOLM, 'SE'), '2027-09-20T06:00:00Z', 'Monday 07:30 in Stockholm: at 08:00 Stockholm time');
      assert.equal(next(earlyMonday, COPENHAGEN, 'DK'), '2027-09-20T06:00:00Z', 'Monday 07:30 in Copenhagen: at 08:00 Copenhagen time');
      assert.equal(next(earlyMonday, HELSINKI, 'FI'), '2027-09-20T05:30:00Z', 'Monday 08:30 in Helsinki: at once');
    });

    it('takes the hours from the zone and the holidays from the country', () => {
      const midsommar = local('2027-06-25T10:00', 'Europe/Oslo');
      assert.equal(next(midsommar, 'Europe/Oslo', 'SE'), '2027-06-28T06:00:00Z', 'in Oslo with Swedish holidays, midsommarafton 10:00 becomes Monday 28 June 08:00 Oslo time');
      assert.equal(next(midsommar, 'Europe/Oslo', 'DK'), '2027-06-25T08:00:00Z', 'in Oslo with Danish holidays, Friday 25 June 10:00 is working time');
    });

    describe('across the daylight-saving changes of 2027', () => {
      it('maps the night of the spring change (02:30 does not exist on Sunday 28 March) to 08:00 summer time on the next working day', () => {
        // Sunday 28 March 2027 is also Easter Day, and Monday 29 March annandag påsk: the next working day is Tuesday 30 March.
        const skipped = local('2027-03-28T02:30', STOCKHOLM);
        assert.equal(skipped.toFormat('HH:mm ZZ'), '03:30 +02:00', 'luxon moves the missing 02:30 on to 03:30 summer time');
        assert.equal(next(skipped, STOCKHOLM, 'SE'), '2027-03-30T06:00:00Z', 'the night of Sunday 28 March becomes Tuesday 30 March 08:00 Stockholm summer time (UTC+2)');
        const before = local('2027-03-27T22:00', STOCKHOLM);
        assert.equal(before.toFormat('ZZ'), '+01:00', 'Saturday 27 March 22:00 is still winter time');
        assert.equal(next(before, STOCKHOLM, 'SE'), '2027-03-30T06:00:00Z', 'Saturday 27 March 22:00 winter time becomes Tuesday 30 March 08:00 summer time');
        assert.equal(next(utc('2027-03-28T01:30:00Z'), COPENHAGEN, 'DK'), '2027-03-30T06:00:00Z', 'in Copenhagen the same night becomes Tuesday 30 March 08:00 summer time (anden påskedag is a holiday too)');
      });

      it('maps the night of the spring change in 2028, far from Easter, to Monday 08:00 summer time', () => {
        const skipped = local('2028-03-26T02:30', STOCKHOLM);
        assert.equal(next(skipped, STOCKHOLM, 'SE'), '2028-03-27T06:00:00Z', 'the missing 02:30 on Sunday 26 March 2028 becomes Monday 27 March 08:00 Stockholm summer time (UTC+2)');
        assert.equal(next(local('2028-03-24T18:00', STOCKHOLM), STOCKHOLM, 'SE'), '2028-03-27T06:00:00Z', 'Friday 24 March 2028 18:00 winter time becomes Monday 27 March 08:00 summer time');
      });

      it('maps both 02:30s of the autumn change (Sunday 31 October) to Monday 1 November 08:00 winter time', () => {
        const first = utc('2027-10-31T00:30:00Z');
        const second = utc('2027-10-31T01:30:00Z');
        assert.equal(first.setZone(STOCKHOLM).toFormat('HH:mm ZZ'), '02:30 +02:00', 'the first 02:30 is summer time');
        assert.equal(second.setZone(STOCKHOLM).toFormat('HH:mm ZZ'), '02:30 +01:00', 'the second 02:30 is winter time');
        assert.equal(next(first, STOCKHOLM, 'SE'), '2027-11-01T07:00:00Z', 'the first 02:30 on Sunday 31 October becomes Monday 1 November 08:00 Stockholm winter time (UTC+1)');
        assert.equal(next(second, STOCKHOLM, 'SE'), '2027-11-01T07:00:00Z', 'the second 02:30 on Sunday 31 October becomes Monday 1 November 08:00 Stockholm winter time (UTC+1)');
      });

      it('maps both 03:30s of the autumn change in Helsinki to Monday 1 November 08:00 Helsinki winter time', () => {
        assert.equal(next(utc('2027-10-31T00:30:00Z'), HELSINKI, 'FI'), '2027-11-01T06:00:00Z', 'the first 03:30 in Helsinki becomes Monday 08:00 Helsinki winter time (UTC+2)');
        assert.equal(next(utc('2027-10-31T01:30:00Z'), HELSINKI, 'FI'), '2027-11-01T06:00:00Z', 'the second 03:30 in Helsinki becomes Monday 08:00 Helsinki winter time (UTC+2)');
      });
    });

    it('refuses an invalid instant or an unknown zone instead of guessing', () => {
      assert.throws(() => nextWorkingMoment(DateTime.invalid('broken'), STOCKHOLM, 'SE'), RangeError);
      assert.throws(() => nextWorkingMoment(utc('2027-09-17T10:00:00Z'), 'Europe/Atlantis', 'SE'), RangeError);
    });
  });

  describe('addWorkingDays', () => {
    it('counts over Easter in Sweden: långfredagen and annandag påsk are skipped, skärtorsdagen is a working day', () => {
      assert.equal(addWorkingDays('2027-03-24', 1, 'SE'), '2027-03-25', 'Sweden: one working day after Wednesday 24 March 2027 is skärtorsdagen, Thursday 25 March');
      assert.equal(addWorkingDays('2027-03-25', 1, 'SE'), '2027-03-30', 'Sweden: one working day after skärtorsdagen is Tuesday 30 March');
      assert.equal(addWorkingDays('2027-03-24', 3, 'SE'), '2027-03-31', 'Sweden: three working days after Wednesday 24 March is Wednesday 31 March');
    });

    it('counts over Easter in Denmark, where skærtorsdag is a holiday too', () => {
      assert.equal(addWorkingDays('2027-03-24', 1, 'DK'), '2027-03-30', 'Denmark: one working day after Wednesday 24 March 2027 is Tuesday 30 March');
      assert.equal(addWorkingDays('2027-03-24', 3, 'DK'), '2027-04-01', 'Denmark: three working days after Wednesday 24 March is Thursday 1 April');
    });

    it('counts backwards over Easter', () => {
      assert.equal(addWorkingDays('2027-03-30', -1, 'SE'), '2027-03-25', 'Sweden: one working day before Tuesday 30 March 2027 is skärtorsdagen, Thursday 25 March');
      assert.equal(addWorkingDays('2027-03-30', -1, 'DK'), '2027-03-24', 'Denmark: one working day before Tuesday 30 March 2027 is Wednesday 24 March');
      assert.equal(addWorkingDays('2027-03-30', -1, 'FI'), '2027-03-25', 'Finland: one working day before Tuesday 30 March 2027 is Thursday 25 March');
      assert.equal(addWorkingDays('2027-04-01', -5, 'SE'), '2027-03-23', 'Sweden: five working days before Thursday 1 April is Tuesday 23 March');
    });

    it('gives the day itself for zero when it is a working day, else the next working day', () => {
      assert.equal(addWorkingDays('2027-09-14', 0, 'SE'), '2027-09-14', 'Tuesday 14 September 2027 is itself');
      assert.equal(addWorkingDays('2027-09-18', 0, 'SE'), '2027-09-20', 'Saturday 18 September 2027 gives Monday 20 September');
      assert.equal(addWorkingDays('2027-03-26', 0, 'FI'), '2027-03-30', 'pitkäperjantai, Friday 26 March 2027, gives Tuesday 30 March');
    });

    it('counts from a weekend as from the days around it', () => {
      assert.equal(addWorkingDays('2027-09-18', 1, 'DK'), '2027-09-20', 'one working day after Saturday 18 September 2027 is Monday 20 September');
      assert.equal(addWorkingDays('2027-09-18', -1, 'DK'), '2027-09-17', 'one working day before Saturday 18 September 2027 is Friday 17 September');
      assert.equal(addWorkingDays('2027-09-13', 5, 'FI'), '2027-09-20', 'five working days after Monday 13 September 2027 is Monday 20 September');
    });

    it('crosses the new year by each country\'s own days off', () => {
      assert.equal(addWorkingDays('2027-12-30', 1, 'SE'), '2028-01-03', 'Sweden: after Thursday 30 December 2027 comes nyårsafton, then a weekend: Monday 3 January 2028');
      assert.equal(addWorkingDays('2027-12-30', 1, 'FI'), '2027-12-31', 'Finland: one working day after Thursday 30 December 2027 is Friday 31 December');
      assert.equal(addWorkingDays('2028-01-03', -1, 'SE'), '2027-12-30', 'Sweden: one working day before Monday 3 January 2028 is Thursday 30 December 2027');
    });

    it('refuses a part of a day and a malformed date', () => {
      assert.throws(() => addWorkingDays('2027-09-14', 1.5, 'SE'), RangeError, 'one and a half days is not a count of working days');
      assert.throws(() => addWorkingDays('2027-9-14', 1, 'SE'), RangeError, 'the date must be yyyy-MM-dd');
    });
  });
});
