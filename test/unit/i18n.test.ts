import assert from 'node:assert/strict';
import { LOCALES, type Locale } from '../../bot/domain/meeting';
import { PROBLEM_CODES } from '../../bot/domain/problems';
import type { Warning } from '../../bot/domain/planning';
import { argumentsOf, CATALOGS, fill, problemText, resolveLocale, t, template, type MessageKey } from '../../bot/i18n';

const WARNINGS: Warning[] = ['longMeeting', 'chairIsConvener', 'noChair'];

/** Every text of a catalog by its dotted key; anything that is neither a text nor a group is reported as its type. */
function flatten(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'object' && value !== null) for (const entry of flatten(value, `${path}.`)) out.set(...entry);
    else out.set(path, typeof value === 'string' ? value : `<${typeof value}>`);
  }
  return out;
}

/** The arguments of a text: its {placeholders} and the argument of each plural or select, not the words of their branches. */
const placeholders = (text: string) => argumentsOf(text).sort();

/** How a catalog differs from the reference: missing and extra keys, and keys whose {placeholders} differ. */
function catalogDifferences(reference: unknown, other: unknown): string[] {
  const ref = flatten(reference);
  const cat = flatten(other);
  const problems: string[] = [];
  for (const key of ref.keys()) if (!cat.has(key)) problems.push(`missing ${key}`);
  for (const key of cat.keys()) if (!ref.has(key)) problems.push(`extra ${key}`);
  for (const [key, text] of cat) {
    const expected = ref.get(key);
    if (expected === undefined) continue;
    const want = placeholders(expected).join(',');
    const got = placeholders(text).join(',');
    if (want !== got) problems.push(`${key}: placeholders {${got}} instead of {${want}}`);
  }
  return problems;
}

describe('the text catalogs (bot/i18n)', () => {
  describe('the parity check itself', () => {
    it('finds a missing key, an extra key and a changed placeholder in a broken copy of the English catalog', () => {
      const broken = structuredClone(CATALOGS.en) as any;
      delete broken.summary.send;
      broken.summary.sendNow = 'Send now';
      broken.status.answers = broken.status.answers.replace('{waiting}', '{wait}');
      assert.deepEqual(catalogDifferences(CATALOGS.en, broken), [
        'missing summary.send',
        'extra summary.sendNow',
        'status.answers: placeholders {accepted,declined,maybe,wait} instead of {accepted,declined,maybe,waiting}',
      ]);
    });

    it('finds a group of texts replaced by a single text', () => {
      const broken = structuredClone(CATALOGS.en) as any;
      broken.groupPlural = 'The network';
      const differences = catalogDifferences(CATALOGS.en, broken);
      assert.ok(differences.includes('missing groupPlural.client'), differences.join('\n'));
      assert.ok(differences.includes('extra groupPlural'), differences.join('\n'));
    });
  });

  for (const locale of LOCALES.filter((l) => l !== 'en')) {
    it(`${locale} has exactly the keys of the English catalog, with the same {placeholders} in every text`, () => {
      assert.deepEqual(catalogDifferences(CATALOGS.en, CATALOGS[locale]), []);
    });
  }

  for (const locale of LOCALES) {
    it(`${locale} has no empty or blank text`, () => {
      const empty = [...flatten(CATALOGS[locale])].filter(([, text]) => text.trim() === '').map(([key]) => key);
      assert.deepEqual(empty, []);
    });

    it(`${locale} has a message for every problem code and every planning warning`, () => {
      const texts = flatten(CATALOGS[locale]);
      const keys = [...PROBLEM_CODES.map((code) => `problem.${code}`), ...WARNINGS.map((w) => `warning.${w}`)];
      assert.deepEqual(
        keys.filter((key) => !texts.has(key)),
        [],
      );
    });
  }

  describe('resolveLocale', () => {
    const cases: [string | undefined, Locale][] = [
      ['sv-SE', 'sv'],
      ['sv-FI', 'sv'],
      ['da-DK', 'da'],
      ['fi-FI', 'fi'],
      ['en-US', 'en'],
      ['FI_fi', 'fi'],
      ['de-DE', 'en'],
      ['', 'en'],
      [undefined, 'en'],
    ];
    for (const [tag, expected] of cases) {
      it(`reads the Teams locale ${JSON.stringify(tag)} as ${expected}`, () => {
        assert.equal(resolveLocale(tag), expected);
      });
    }

    it('falls back to the language it is given for a language Samråd does not speak', () => {
      assert.equal(resolveLocale('de-DE', 'sv'), 'sv');
      assert.equal(resolveLocale(undefined, 'da'), 'da');
      assert.equal(resolveLocale('fi-FI', 'sv'), 'fi');
    });
  });

  describe('t', () => {
    it('fills every {placeholder} with its value', () => {
      assert.equal(t('en', 'format.timeRange', { date: 'Monday 7 December 2026', start: '10:00', end: '11:30' }), 'Monday 7 December 2026, 10:00–11:30');
      assert.equal(t('fi', 'steps.progress', { number: 2 }), 'Vaihe 2/3');
    });

    it('leaves a placeholder without a value visible instead of dropping it', () => {
      assert.equal(fill(template('en', 'invitation.from'), { organizer: 'Kim' }), 'Kim and {client} invite you.');
    });

    it('inserts values literally, even when they look like placeholders or replacement patterns', () => {
      assert.equal(t('en', 'notice.added', { name: '{name} $& $1' }), '{name} $& $1 was added.');
    });
  });

  describe('problemText', () => {
    it('names the field of a too long text in the reader\'s language', () => {
      const problem = { code: 'textTooLong' as const, params: { field: 'purpose', max: 1000 } };
      assert.equal(problemText('en', problem), 'Purpose is too long: at most 1000 characters.');
      for (const locale of LOCALES) {
        const text = problemText(locale, problem);
        assert.ok(text.startsWith(t(locale, 'field.purpose')), `${locale}: ${text}`);
        assert.ok(text.includes('1000'), `${locale}: ${text}`);
        assert.ok(!text.includes('{'), `${locale}: ${text}`);
      }
    });

    it('gives every problem code a text in every language with its parameters filled', () => {
      const params = { min: 15, max: 480, time: '02:30', date: '2027-03-28', name: 'Eva', field: 'name', years: 2, start: '00:00', end: '01:30' };
      for (const locale of LOCALES) {
        for (const code of PROBLEM_CODES) {
          const text = problemText(locale, { code, params });
          assert.notEqual(text, `problem.${code}`, `${locale} has no text for ${code}`);
          assert.doesNotMatch(text, /\{\w+\}/, `${locale}/${code}: ${text}`);
        }
      }
    });

    it('cannot be shown without the values its text needs: the compiler refuses it (checked by npm test\'s type check)', () => {
      // Each line below must fail to compile; if the typing of t() stopped checking placeholders, tsc would report an unused directive.
      const compileOnly = () => {
        // @ts-expect-error durationInvalid needs {min} and {max}
        t('en', 'problem.durationInvalid');
        // @ts-expect-error session.left needs {time} besides {name}
        t('en', 'session.left', { name: 'Eva' });
        // @ts-expect-error a text without placeholders takes no values
        t('en', 'session.next', { name: 'Eva' });
      };
      // Never run: the @ts-expect-error lines are the assertion (typeof a function written above could never fail).
      void compileOnly;
      assert.equal(t('en', 'problem.durationInvalid', { min: 1, max: 480 }), 'The duration must be a whole number of minutes from 1 to 480.');
    });

    it('shows the key itself for a text missing everywhere, rather than nothing', () => {
      assert.equal(template('sv', 'problem.nope' as MessageKey), 'problem.nope');
    });
  });
});
