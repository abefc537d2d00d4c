import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { LOCALES, type Locale } from '../../bot/domain/meeting';
import { argumentsOf, CATALOGS, isMessageFormat, problemText, t, template, type CountArguments, type MessageKey, type Placeholders, type ValuesOf } from '../../bot/i18n';
import { LIVE_TEXT_KEYS, SESSION_TEXT_KEYS } from '../../tab/wire';

/** Every text of a catalog by its dotted key. */
function texts(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (typeof value === 'object' && value !== null) for (const entry of texts(value, `${prefix}${key}.`)) out.set(...entry);
    else if (typeof value === 'string') out.set(`${prefix}${key}`, value);
  }
  return out;
}

/** The arguments of a text as the ICU parser reads it, each with its kind ('' for a plain {name}), and the branches of each plural. */
function parsed(text: string, locale: Locale): { kinds: Map<string, string>; branches: string[][] } {
  const kinds = new Map<string, string>();
  const branches: string[][] = [];
  const KIND: Record<number, string> = { 1: '', 2: 'number', 3: 'date', 4: 'time', 5: 'select', 6: 'plural' };
  const walk = (elements: any[]) => {
    for (const el of elements) {
      if (el.type in KIND) {
        const kind = el.type === 6 && el.pluralType === 'ordinal' ? 'selectordinal' : KIND[el.type];
        if (!kinds.has(el.value) || kinds.get(el.value) === '') kinds.set(el.value, kind);
      }
      if (el.options) {
        if (el.type === 6) branches.push(Object.keys(el.options));
        for (const option of Object.values(el.options) as { value: any[] }[]) walk(option.value);
      }
    }
  };
  walk(new IntlMessageFormat(text, locale, undefined, { ignoreTag: true }).getAst());
  return { kinds, branches };
}

const ALL = new Map(LOCALES.map((locale) => [locale, texts(CATALOGS[locale])]));

describe('counted texts (ICU plurals in bot/i18n)', () => {
  describe('each language words a count by its own plural rules', () => {
    type Case = { key: MessageKey; count: number; want: Record<Locale, string> };
    const cases: Case[] = [
      {
        key: 'delivered.letters',
        count: 1,
        want: {
          sv: '1 person utanför Teams behöver brev eller e-post från dig. Du hittar personen på statuskortet.',
          da: '1 person uden for Teams skal have brev eller e-mail fra dig. Du finder vedkommende på statuskortet.',
          fi: '1 Teamsin ulkopuolinen kutsuttu tarvitsee sinulta kirjeen tai sähköpostin. Löydät hänet tilakortilta.',
          en: '1 person outside Teams needs a letter or an e-mail from you. You will find them on the status card.',
        },
      },
      {
        key: 'delivered.letters',
        count: 3,
        want: {
          sv: '3 personer utanför Teams behöver brev eller e-post från dig. Du hittar dem på statuskortet.',
          da: '3 personer uden for Teams skal have brev eller e-mail fra dig. Du finder dem på statuskortet.',
          fi: '3 Teamsin ulkopuolista kutsuttua tarvitsee sinulta kirjeen tai sähköpostin. Löydät heidät tilakortilta.',
          en: '3 people outside Teams need a letter or an e-mail from you. You will find them on the status card.',
        },
      },
      { key: 'status.showComments', count: 1, want: { sv: '1 kommentar', da: '1 kommentar', fi: '1 kommentti', en: '1 comment' } },
      { key: 'status.showComments', count: 3, want: { sv: '3 kommentarer', da: '3 kommentarer', fi: '3 kommenttia', en: '3 comments' } },
      { key: 'status.showComments', count: 0, want: { sv: '0 kommentarer', da: '0 kommentarer', fi: '0 kommenttia', en: '0 comments' } },
      { key: 'pages.uses', count: 1, want: { sv: 'Använd 1 gång', da: 'Brugt 1 gang', fi: 'Käytetty 1 kerran', en: 'Used once' } },
      { key: 'pages.uses', count: 3, want: { sv: 'Använd 3 gånger', da: 'Brugt 3 gange', fi: 'Käytetty 3 kertaa', en: 'Used 3 times' } },
      { key: 'pages.uses', count: 0, want: { sv: 'Använd 0 gånger', da: 'Brugt 0 gange', fi: 'Käytetty 0 kertaa', en: 'Used 0 times' } },
      { key: 'feedback.average', count: 1, want: { sv: 'Medelvärde (1 svar)', da: 'Gennemsnit (1 svar)', fi: 'Keskiarvo (1 vastaus)', en: 'Average (1 answer)' } },
      { key: 'feedback.average', count: 3, want: { sv: 'Medelvärde (3 svar)', da: 'Gennemsnit (3 svar)', fi: 'Keskiarvo (3 vastausta)', en: 'Average (3 answers)' } },
    ];
    for (const { key, count, want } of cases) {
      for (const locale of LOCALES) {
        it(`${locale} ${key} with a count of ${count}: “${want[locale]}”`, () => {
          assert.equal(t(locale, key, { count } as never), want[locale]);
        });
      }
    }

    it('says how many of those invited in Teams could not be reached, one or several', () => {
      assert.equal(
        t('fi', 'delivered.inviteNotReached', { count: 1 }),
        'Kutsut on lähetetty. 1 Teamsissa kutsuttu henkilö jäi tavoittamatta: tilakortilta näet syyn ja kirjeen hänelle.',
      );
      assert.equal(
        t('fi', 'delivered.inviteNotReached', { count: 2 }),
        'Kutsut on lähetetty. 2 Teamsissa kutsuttua henkilöä jäi tavoittamatta: tilakortilta näet syyn ja kirjeen kullekin.',
      );
      assert.equal(t('sv', 'delivered.changeNotReached', { count: 1 }), 'Ändringen är skickad. 1 person som är inbjuden i Teams kunde inte nås där: statuskortet har ett brev till personen.');
      assert.equal(t('da', 'delivered.cancelNotReached', { count: 4 }), 'Aflysningen er sendt. 4 personer, der er inviteret i Teams, kunne ikke nås der: statuskortet har breve til dem.');
      assert.equal(t('en', 'delivered.inviteNotReached', { count: 2 }), 'The invitations are out. 2 people invited in Teams could not be reached there: the status card says why and has a letter for each.');
    });

    it('words the minutes left to undo the end', () => {
      assert.equal(t('en', 'session.undoHint', { minutes: 1 }), 'Ended by mistake? The end can be undone for 1 minute.');
      assert.equal(t('sv', 'session.undoHint', { minutes: 10 }), 'Avslutat av misstag? Avslutet kan ångras i 10 minuter.');
      assert.equal(t('da', 'session.undoHint', { minutes: 1 }), 'Afsluttet ved en fejl? Afslutningen kan fortrydes i 1 minut.');
      assert.equal(t('fi', 'session.undoHint', { minutes: 10 }), 'Päätitkö kokouksen vahingossa? Päättämisen voi perua 10 minuutin ajan.');
    });
  });

  describe('refusals with a limit', () => {
    it('word the limit by its number in every language', () => {
      const topics = (max: number | string) => Object.fromEntries(LOCALES.map((l) => [l, problemText(l, { code: 'tooManyTopics', params: { max } })]));
      assert.deepEqual(topics(1), { sv: 'Högst 1 ämne.', da: 'Højst 1 emne.', fi: 'Enintään 1 aihe.', en: 'At most 1 topic.' });
      assert.deepEqual(topics(12), { sv: 'Högst 12 ämnen.', da: 'Højst 12 emner.', fi: 'Enintään 12 aihetta.', en: 'At most 12 topics.' });
      assert.deepEqual(topics('12'), topics(12), 'a limit carried as a text counts as the number');
      assert.equal(problemText('da', { code: 'tooManyParticipants', params: { max: 1 } }), 'I Samråd kan et netværksmøde højst have 1 deltager.');
      assert.equal(problemText('da', { code: 'tooManyParticipants', params: { max: 42 } }), 'I Samråd kan et netværksmøde højst have 42 deltagere.');
    });

    it('write a count without digit grouping, as the plain texts do, and name the field in the reader\'s language', () => {
      const problem = { code: 'textTooLong' as const, params: { field: 'purpose', max: 1000 } };
      assert.equal(problemText('sv', problem), 'Syfte: texten är för lång (högst 1000 tecken).');
      assert.equal(problemText('fi', problem), `${template('fi', 'field.purpose')}: teksti on liian pitkä (enintään 1000 merkkiä).`);
      assert.equal(problemText('en', { code: 'textTooLong', params: { field: 'purpose', max: 1 } }), 'Purpose is too long: at most 1 character.');
    });

    it('still show something, and do not fail, when a refusal lacks the count its text needs', () => {
      const text = problemText('en', { code: 'tooManyTopics' });
      assert.ok(text.startsWith('At most '), text);
    });
  });

  describe('plain texts', () => {
    it('keep the cheap {name} fill and insert values literally', () => {
      assert.equal(isMessageFormat(template('sv', 'notice.added')), false);
      assert.equal(t('sv', 'notice.added', { name: "{count, plural, other {#}} O'Brien" }), "{count, plural, other {#}} O'Brien har lagts till.");
    });

    it('leave template() giving the text as written, for a page that fills it itself', () => {
      assert.equal(template('en', 'pages.uses'), '{count, plural, one {Used once} other {Used # times}}');
      assert.equal(template('en', 'live.phaseStep'), 'Phase {number} of {count}');
    });
  });

  describe('the catalogs', () => {
    for (const locale of LOCALES) {
      it(`${locale}: every text parses as an ICU message with the same arguments Samråd counts`, () => {
        const wrong: string[] = [];
        for (const [key, text] of ALL.get(locale)!) {
          const ours = [...argumentsOf(text)].sort().join(',');
          const icu = [...parsed(text, locale).kinds.keys()].sort().join(',');
          if (ours !== icu) wrong.push(`${key}: {${ours}} but the ICU parser reads {${icu}}`);
        }
        assert.deepEqual(wrong, []);
      });

      it(`${locale}: every plural has the branches its language needs (one, other), besides exact ones such as =0`, () => {
        const wrong: string[] = [];
        for (const [key, text] of ALL.get(locale)!) {
          if (!isMessageFormat(text)) continue;
          for (const branches of parsed(text, locale).branches) {
            const categories = branches.filter((b) => !/^=\d+$/.test(b)).sort().join(',');
            if (categories !== 'one,other') wrong.push(`${key}: ${branches.join(', ')}`);
          }
        }
        assert.deepEqual(wrong, []);
      });
    }

    it('counts with the same arguments in every language: a text that counts in English counts in all four', () => {
      const wrong: string[] = [];
      for (const [key, text] of ALL.get('en')!) {
        const want = [...parsed(text, 'en').kinds].sort().join(' ');
        for (const locale of LOCALES) {
          const other = ALL.get(locale)!.get(key);
          if (other === undefined) continue;
          const got = [...parsed(other, locale).kinds].sort().join(' ');
          if (got !== want) wrong.push(`${locale} ${key}: ${got} instead of ${want}`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    it('never give the live page or a card template an ICU text to fill itself', () => {
      const keys = new Set<string>([...LIVE_TEXT_KEYS.map((k) => `live.${k}`), ...SESSION_TEXT_KEYS.map((k) => `session.${k}`)]);
      const templates = path.join(__dirname, '../../cards/templates');
      for (const file of readdirSync(templates).filter((f) => f.endsWith('.json'))) {
        for (const m of readFileSync(path.join(templates, file), 'utf8').matchAll(/\bt\.([A-Za-z]\w*(?:\.[A-Za-z]\w*)+)/g)) keys.add(m[1]);
      }
      const counted = [...keys].flatMap((key) => LOCALES.filter((l) => isMessageFormat(ALL.get(l)!.get(key) ?? '')).map((l) => `${l} ${key}`));
      assert.deepEqual(counted, []);
    });
  });

  describe('the compiler', () => {
    it('demands the count of a counted text, as a number, and reads ICU arguments without mistaking branches for placeholders', () => {
      const compileOnly = () => {
        // @ts-expect-error pages.uses counts: it needs { count }
        t('sv', 'pages.uses');
        // @ts-expect-error the count of a plural is a number, not a text
        t('sv', 'pages.uses', { count: '3' });
        // @ts-expect-error delivered.letters has no {name}
        t('sv', 'delivered.letters', { count: 3, name: 'Eva' });
        // @ts-expect-error session.undoHint counts minutes, not a count
        t('fi', 'session.undoHint', { count: 10 });
        t('sv', 'pages.uses', { count: 3 });
      };
      // Never run: the @ts-expect-error lines are the assertion (typeof a function written above could never fail).
      void compileOnly;

      type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
      const simple: Exactly<Placeholders<'{count, plural, one {# möte} other {# möten}}'>, 'count'> = true;
      // A {name} inside a branch is an argument too, and so is a plural inside a branch; '#' and branch words are not.
      const nested: Exactly<Placeholders<'Hej {name}! {count, plural, one {ett möte med {client}} other {{kind, select, home {# möten hemma} other {# möten}}}}'>, 'name' | 'count' | 'client' | 'kind'> = true;
      const counts: Exactly<CountArguments<'{name}: {count, plural, one {# möte} other {# möten}}'>, 'count'> = true;
      const values: Exactly<ValuesOf<'{name}: {count, plural, one {# möte} other {# möten}}'>, { name: string | number; count: number }> = true;
      const plain: Exactly<Placeholders<'Inga platshållare här.'>, never> = true;
      assert.deepEqual([simple, nested, counts, values, plain], [true, true, true, true, true]);
      assert.deepEqual(argumentsOf('Hej {name}! {count, plural, one {ett möte med {client}} other {{kind, select, home {# möten hemma} other {# möten}}}}'), ['name', 'count', 'client', 'kind']);
    });
  });
});
