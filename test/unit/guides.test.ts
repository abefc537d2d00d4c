import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES, type Locale } from '../../bot/domain/meeting';
import { template, type MessageKey } from '../../bot/i18n';

/**
 * The chair's texts, the roles, the ground rules and the preparation checklist say what the guides
 * Samråd is built from say. Each entry names the guide it follows, a short phrase copied from that
 * guide, and the phrase our text must contain:
 *
 *   000  Eksote, "ABC för ett lyckat nätverksmöte" (Swedish)
 *   001  Furesø Kommune, "Det gode netværksmøde" (Danish)
 *   002  Eksote, "Onnistuneen verkostokokouksen ABC" (Finnish)
 *   003  Nestor, a practical guide to local collaboration forums (Swedish)
 *   004  Socialstyrelsen, "Det inddragende netværksmøde" (Danish)
 *
 * A text follows a guide in its own language where one says it (sv: 000/003, fi: 002, da: 001/004);
 * otherwise, and for English, the entry names the guide whose idea it carries, with that guide's phrase.
 *
 * The catalog side always runs. The guide side reads the plain-text copies in ../shared/seeds beside
 * the checkout (or SAMRAD_SEEDS); a clean clone has none, and then only that check is skipped.
 */

type Guide = '000' | '001' | '002' | '003' | '004';

interface Quote {
  key: MessageKey;
  locale: Locale;
  guide: Guide;
  /** A short phrase that occurs in the guide's text (compared with whitespace, hyphenation and bullets normalised). */
  quote: string;
  /** A phrase our text in that language must contain. */
  says: string;
}

const q = (key: MessageKey, locale: Locale, guide: Guide, quote: string, says: string): Quote => ({ key, locale, guide, quote, says });

/** Who chairs: anyone present (000/002); the Danish guide's neutral chair outside the case, and the caseworker with authority stating that role (004). */
const CHAIR_KEYS: MessageKey[] = ['session.neutralChair', 'who.chairHint', 'warning.chairIsConvener'];

export const QUOTES: Quote[] = [
  // The introductions: relation to the client and to the matters, and something positive.
  q('session.roundHint.introductions', 'sv', '000', 'berätta om sitt förhållande till klienten och till de frågor som ska diskuteras', 'förhållande till klienten och till frågorna som ska diskuteras'),
  q('session.roundHint.introductions', 'sv', '000', 'något positivt de märkt', 'något positivt du märkt'),
  q('session.roundHint.introductions', 'fi', '002', 'miten he liittyvät asiakkaaseen ja käsiteltävänä olevaan asiaan', 'käsiteltävänä olevaan asiaan'),
  q('session.roundHint.introductions', 'fi', '002', 'mitä myönteistä he ovat havainneet', 'mitä myönteistä olet havainnut'),
  q('session.roundHint.introductions', 'da', '000', 'och till de frågor som ska diskuteras', 'og til de emner, der skal drøftes'),
  q('session.roundHint.introductions', 'en', '000', 'och till de frågor som ska diskuteras', 'and to the matters to be discussed'),

  // The convener's welcome.
  q('session.prompt.welcome', 'sv', '000', 'Du som sammankallande', 'Du som sammankallande'),
  q('session.prompt.welcome', 'sv', '000', 'hälsar alla välkomna och presentera dig själv', 'hälsa alla välkomna och presentera dig själv'),
  q('session.prompt.welcome', 'fi', '002', 'Sinä koollekutsujana', 'Sinä koollekutsujana'),
  q('session.prompt.welcome', 'fi', '002', 'toivota kaikki tervetulleiksi ja esittele itsesi', 'toivota kaikki tervetulleiksi ja esittele itsesi'),
  q('session.prompt.welcome', 'da', '001', 'Indkalder til og forbereder netværksmøde', 'Du som indkalder'),
  q('session.prompt.welcome', 'da', '000', 'presentera dig själv', 'præsentér dig selv'),
  q('session.prompt.welcome', 'en', '000', 'presentera dig själv', 'introduce yourself'),

  // Right after the introductions: who chairs, who writes the memo, how those invited get it.
  q('session.prompt.rolesAndMemo', 'sv', '000', 'Kom sedan överens om vem som ska vara ordförande', 'vem som ska vara ordförande'),
  q('session.prompt.rolesAndMemo', 'sv', '000', 'vem som skriver promemorian och hur de inbjudna ska få den', 'vem som skriver promemorian och hur de inbjudna ska få den'),
  q('session.prompt.rolesAndMemo', 'fi', '002', 'kuka kirjaa muistion ja miten se toimitetaan kutsutuille', 'kuka kirjaa muistion ja miten se toimitetaan kutsutuille'),
  q('session.prompt.rolesAndMemo', 'da', '004', 'mødereferat, som sendes til alle mødedeltagere', 'referatet, og hvordan det sendes til alle mødedeltagere'),
  q('session.prompt.rolesAndMemo', 'en', '000', 'hur de inbjudna ska få den', 'how those invited get it'),

  // The describe phase: the client and the family first.
  q('session.prompt.clientFirst', 'sv', '000', 'Låt först klienten och dennes närstående tala', 'Låt först klienten och de närstående tala'),
  q('session.prompt.clientFirst', 'sv', '000', 'Varför anser klienten att ni samlats', 'varför anser klienten att ni samlats'),
  q('session.prompt.clientFirst', 'sv', '000', 'vilka önskemål har klienten om slutresultatet', 'önskemål har hen om slutresultatet'),
  q('session.prompt.clientFirst', 'fi', '002', 'Miksi hänen mielestään ollaan koolla', 'miksi hänen mielestään ollaan koolla'),
  q('session.prompt.clientFirst', 'fi', '002', 'mikä on hänen toive lopputuloksesta', 'toiveensa lopputuloksesta'),
  q('session.prompt.clientFirst', 'da', '004', 'den aktuelle situation og de ændringer, der ønskes', 'Borgeren og familien først: den aktuelle situation og de ændringer, der ønskes'),
  q('session.prompt.clientFirst', 'en', '000', 'vilka önskemål har klienten om slutresultatet', 'why does the client think we have gathered, and what outcome do they wish for'),

  // The agree phase: the chair's check with the client.
  q('session.prompt.agreedWithClient', 'sv', '000', 'ni kommer överens om något ska ordförande kontrollera med klienten', 'kontrollera med klienten'),
  q('session.prompt.agreedWithClient', 'fi', '002', 'asioista sovittaessa puheenjohtaja tarkistaa asiakkaalta', 'tarkista asiakkaalta'),
  q('session.prompt.agreedWithClient', 'da', '001', 'om borgeren deler samme forståelse', 'om borgeren deler samme forståelse'),
  q('session.prompt.agreedWithClient', 'en', '000', 'ordförande kontrollera med klienten', 'check with the client: are we agreed?'),

  // The reflect phase: resources, solutions and possibilities.
  q('session.prompt.future', 'sv', '000', 'styra diskussionen mot resurser, lösningar och möjligheter', 'Styr diskussionen mot resurser, lösningar och möjligheter'),
  q('session.prompt.future', 'sv', '000', 'Fastna inte i det förflutna', 'Fastna inte i det förflutna'),
  q('session.prompt.future', 'fi', '002', 'ohjata keskustelua voimavarojen, ratkaisujen ja mahdollisuuksien suuntaan', 'keskustelua voimavarojen, ratkaisujen ja mahdollisuuksien suuntaan'),
  q('session.prompt.future', 'fi', '002', 'Ei muistella menneitä', 'Ei muistella menneitä'),
  q('session.prompt.future', 'da', '004', 'fokus på ressourcer', 'ressourcer, løsninger og muligheder'),
  q('session.prompt.future', 'da', '004', 'hvordan det ønskede kan nås', 'hvordan det ønskede kan nås'),
  q('session.prompt.future', 'en', '000', 'mot resurser, lösningar och möjligheter', 'towards resources, solutions and possibilities'),

  // The agreements: who, what, when, with whom, the responsible worker and the follow-up.
  q('session.prompt.agree', 'sv', '000', 'vem, vad, när och med vem', 'vem, vad, när och med vem'),
  q('session.prompt.agree', 'sv', '000', 'Vem är klientens ansvariga medarbetare', 'Vem är klientens ansvariga medarbetare'),
  q('session.prompt.agree', 'sv', '000', 'Tidpunkten för en uppföljningspalaver', 'När är uppföljningen'),
  q('session.prompt.agree', 'fi', '002', 'kuka, mitä, milloin ja kenen kanssa', 'kuka, mitä, milloin ja kenen kanssa'),
  q('session.prompt.agree', 'fi', '002', 'Kuka on asiakkaan vastuutyöntekijä', 'Kuka on asiakkaan vastuutyöntekijä'),
  q('session.prompt.agree', 'fi', '002', 'Seurantapalaverin ajankohta', 'seurantapalaveri'),
  q('session.prompt.agree', 'da', '004', 'konkrete aftaler om, hvem der gør hvad', 'aftaler om, hvem der gør hvad'),
  q('session.prompt.agree', 'da', '004', 'Dato for opfølgning af mødet aftales på mødet', 'Dato for opfølgning aftales på mødet'),
  q('session.prompt.agree', 'da', '000', 'ansvariga medarbetare', 'borgerens ansvarlige medarbejder'),
  q('session.prompt.agree', 'en', '000', 'Fortsatta åtgärder: vem, vad, när och med vem', 'who, what, when and with whom'),
  q('session.prompt.agree', 'en', '000', 'ansvariga medarbetare', "the client's responsible worker"),

  // The end: was the meeting a success, thanks, leave together.
  q('session.prompt.summary', 'sv', '000', 'Fundera tillsammans på om mötet varit lyckat', 'Fundera tillsammans på om mötet varit lyckat'),
  q('session.prompt.summary', 'sv', '000', 'Tacka alla deltagare', 'tacka alla deltagare'),
  q('session.prompt.summary', 'fi', '002', 'Arvioidaan yhdessä kokouksen onnistumista', 'yhdessä kokouksen onnistumista'),
  q('session.prompt.summary', 'fi', '002', 'Kiitetään osallistujia', 'osallistujia'),
  q('session.prompt.summary', 'fi', '002', 'Poistutaan yhdessä kokoustilasta', 'poistukaa yhdessä'),
  q('session.prompt.summary', 'da', '001', 'afsluttes med en fælles evaluering', 'Fælles evaluering'),
  q('session.prompt.summary', 'da', '001', 'sørg for, at alle er blevet hørt', 'Er alle hørt?'),
  q('session.prompt.summary', 'da', '001', 'er alle parter enige i og tilfredse med aftalerne', 'Er alle tilfredse med aftalerne?'),
  q('session.prompt.summary', 'en', '000', 'Fundera tillsammans på om mötet varit lyckat', 'Judge together whether the meeting succeeded'),

  // The phases: Socialstyrelsen's three parts in Danish; the last phase as the flow charts of 000/002 and 001's good ending.
  q('session.phase.describe', 'da', '004', 'En beskrivende del - med fokus på den aktuelle situation og de ændringer, der ønskes', 'Beskrivende del: den aktuelle situation og de ændringer, der ønskes'),
  q('session.phase.reflect', 'da', '004', 'En reflekterende del - med fokus på, hvordan det ønskede kan nås', 'Reflekterende del: hvordan det ønskede kan nås'),
  q('session.phase.agree', 'da', '004', 'En aftaledel - med fokus på at træffe konkrete aftaler om, hvem der gør hvad', 'Aftaledel: konkrete aftaler om, hvem der gør hvad'),
  q('session.phaseShort.describe', 'da', '004', 'En beskrivende del', 'Beskrivende del'),
  q('session.phaseShort.reflect', 'da', '004', 'En reflekterende del', 'Reflekterende del'),
  q('session.phaseShort.agree', 'da', '004', 'En aftaledel', 'Aftaledel'),
  q('session.phaseShort.summary', 'da', '001', 'Den gode afslutning', 'Afslutning'),
  q('session.phase.summary', 'sv', '000', 'Sammanfattning: vem gör och vad', 'Sammanfattning'),
  q('session.phase.summary', 'sv', '000', 'Kom överens om ansvarig medarbetare och uppföljning', 'Sammanfattning; ansvarig medarbetare och uppföljning'),
  q('session.phase.summary', 'fi', '002', 'Yhteenveto: kuka tekee ja mitä', 'Yhteenveto'),
  q('session.phase.summary', 'fi', '002', 'Sovitaan vastuutyöntekijä ja seuranta', 'Yhteenveto; vastuutyöntekijä ja seuranta'),
  q('session.phase.summary', 'da', '001', 'Hvad nu? - Den gode afslutning', 'Den gode afslutning'),
  q('session.phase.summary', 'en', '000', 'ansvarig medarbetare och uppföljning', 'Summary; responsible worker and follow-up'),

  // The six roles of authority (Per Kloster, in 001).
  q('session.rolesGuide', 'sv', '001', 'de seks myndighedsroller', 'De sex myndighetsrollerna'),
  q('session.rolesGuide', 'fi', '001', 'de seks myndighedsroller', 'Kuusi viranomaisroolia'),
  q('session.rolesGuide', 'da', '001', 'de seks myndighedsroller', 'De seks myndighedsroller'),
  q('session.rolesGuide', 'en', '001', 'de seks myndighedsroller', 'The six roles of authority'),
  q('session.rolesGuideText', 'da', '001', 'gennem klare rammer og ved inddragelse af borger', 'gennem klare rammer og ved inddragelse af borgeren'),
  q('session.rolesGuideText', 'da', '001', 'møde borgeren i øjenhøjde', 'mød borgeren i øjenhøjde'),
  q('session.rolesGuideText', 'da', '001', 'undersøge og beskrive sagen - med andre ord oplyse sagen', 'undersøg og beskriv sagen, så den bliver oplyst'),
  q('session.rolesGuideText', 'da', '001', 'finde mulige løsninger i samarbejde med borger', 'løsninger i samarbejde med borgeren'),
  q('session.rolesGuideText', 'da', '001', 'borger selv opdager nye perspektiver og muligheder', 'selv at opdage nye perspektiver og muligheder'),
  q('session.rolesGuideText', 'da', '001', 'afklare borgers retssikkerhed', 'borgerens retssikkerhed'),
  q('session.rolesGuideText', 'sv', '001', 'ved inddragelse af borger', 'klienten görs delaktig'),
  q('session.rolesGuideText', 'sv', '001', 'afklare borgers retssikkerhed', 'klientens rättssäkerhet'),
  q('session.rolesGuideText', 'fi', '001', 'ved inddragelse af borger', 'osallistamalla asiakkaan'),
  q('session.rolesGuideText', 'fi', '001', 'afklare borgers retssikkerhed', 'asiakkaan oikeusturva'),
  q('session.rolesGuideText', 'en', '001', 'ved inddragelse af borger', 'by involving the client'),
  q('session.rolesGuideText', 'en', '001', 'afklare borgers retssikkerhed', "the client's legal certainty"),

  // Check-in and check-out rounds (003).
  q('session.roundHint.checkIn', 'sv', '003', 'som kan ha med mötesagendan att göra, eller någonting helt annat', 'om dagens ämnen eller någonting helt annat'),
  q('session.prompt.checkIn', 'sv', '003', 'som kan ha med mötesagendan att göra, eller någonting helt annat', 'om dagens ämnen eller någonting helt annat'),
  q('session.prompt.checkIn', 'sv', '003', 'går laget runt och alla får säga någonting', 'gå laget runt'),
  q('session.roundHint.checkOut', 'sv', '003', 'vad man tar med sig från mötet', 'Vad tar du med dig från mötet?'),
  q('session.prompt.checkOut', 'sv', '003', 'gå laget runt igen', 'Gå laget runt igen'),
  q('session.prompt.checkOut', 'sv', '003', 'vad man tar med sig från mötet', 'med sig från mötet'),
  q('session.roundHint.checkIn', 'fi', '003', 'eller någonting helt annat', 'päivän aiheista tai jostain aivan muusta'),
  q('session.prompt.checkIn', 'fi', '003', 'eller någonting helt annat', 'päivän aiheista tai jostain aivan muusta'),
  q('session.roundHint.checkOut', 'fi', '003', 'vad man tar med sig från mötet', 'Mitä otat mukaasi kokouksesta?'),
  q('session.prompt.checkOut', 'fi', '003', 'gå laget runt igen', 'Vielä yksi kierros'),
  q('session.prompt.checkOut', 'fi', '003', 'vad man tar med sig från mötet', 'ottaa mukaansa kokouksesta'),
  q('session.roundHint.checkIn', 'da', '003', 'eller någonting helt annat', 'om dagens emner eller noget helt andet'),
  q('session.prompt.checkIn', 'da', '003', 'eller någonting helt annat', 'om dagens emner eller noget helt andet'),
  q('session.prompt.checkIn', 'da', '003', 'går laget runt', 'gå bordet rundt'),
  q('session.roundHint.checkOut', 'da', '003', 'vad man tar med sig från mötet', 'Hvad tager du med fra mødet?'),
  q('session.prompt.checkOut', 'da', '003', 'gå laget runt igen', 'Gå bordet rundt igen'),
  q('session.roundHint.checkIn', 'en', '003', 'eller någonting helt annat', "about today's topics or anything else"),
  q('session.prompt.checkIn', 'en', '003', 'eller någonting helt annat', "about today's topics or anything else"),
  q('session.prompt.checkIn', 'en', '003', 'går laget runt', 'and go round'),
  q('session.roundHint.checkOut', 'en', '003', 'vad man tar med sig från mötet', 'What do you take with you from the meeting?'),
  q('session.prompt.checkOut', 'en', '003', 'gå laget runt igen', 'Go round again'),

  // Who chairs, in each of the three places that advise on it.
  ...CHAIR_KEYS.flatMap((key) => [
    q(key, 'sv', '000', 'Vem som helst av deltagarna kan vara ordförande', 'Vem som helst av deltagarna kan vara ordförande'),
    q(key, 'sv', '004', 'mødelederen ikke er involveret i den konkrete sag', 'den danska vägledningen råder till en neutral ordförande utanför ärendet'),
    q(key, 'sv', '004', 'Myndighedsrådgiver tilkendegiver sin rolle som myndighed', 'myndighetsansvar'),
    q(key, 'fi', '002', 'Puheenjohtajana voi toimia kuka tahansa osallistujista', 'Puheenjohtajana voi toimia kuka tahansa osallistujista'),
    q(key, 'fi', '004', 'mødelederen ikke er involveret i den konkrete sag', 'tanskalainen opas suosittelee puolueetonta puheenjohtajaa'),
    q(key, 'fi', '004', 'Myndighedsrådgiver tilkendegiver sin rolle som myndighed', 'viranomaisena'),
    q(key, 'da', '000', 'Vem som helst av deltagarna kan vara ordförande', 'Alle deltagere kan være mødeleder'),
    q(key, 'da', '004', 'Mødet ledes af en neutral mødeleder', 'Socialstyrelsen anbefaler en neutral mødeleder, der ikke er involveret i sagen'),
    q(key, 'da', '004', 'Myndighedsrådgiver tilkendegiver sin rolle som myndighed', 'rolle som myndighed'),
    q(key, 'en', '000', 'Vem som helst av deltagarna kan vara ordförande', 'Anyone present may chair'),
    q(key, 'en', '004', 'mødelederen ikke er involveret i den konkrete sag', 'the Danish guide advises a neutral chair not involved in the case'),
    q(key, 'en', '004', 'Myndighedsrådgiver tilkendegiver sin rolle som myndighed', 'that role'),
  ]),

  // Ground rules ("spilleregler", 001) in Nestor's words (003).
  q('session.groundRules', 'da', '001', 'dagsorden og spilleregler', 'Spilleregler'),
  q('session.groundRulesText', 'sv', '003', 'ska få komma till tals', 'Alla får komma till tals'),
  q('session.groundRulesText', 'sv', '003', 'utan att värdera eller fördöma', 'utan att värdera eller fördöma'),
  q('session.groundRulesText', 'sv', '003', 'Snälltolka varandra', 'Snälltolka varandra'),
  q('session.groundRulesText', 'sv', '003', 'Hur menar du?', 'Hur menar du?'),
  q('session.groundRulesText', 'da', '001', 'Sørg for at lytte med en oprigtig interesse', 'vi lytter med oprigtig interesse'),
  q('session.groundRulesText', 'da', '003', 'Snälltolka varandra', 'Vi tolker hinanden velvilligt'),
  q('session.groundRulesText', 'da', '003', 'Hur menar du?', 'Hvad mener du?'),
  q('session.groundRulesText', 'fi', '003', 'utan att värdera eller fördöma', 'kuuntelemme arvostelematta'),
  q('session.groundRulesText', 'fi', '003', 'Snälltolka varandra', 'Tulkitsemme toisiamme hyväntahtoisesti'),
  q('session.groundRulesText', 'fi', '003', 'Hur menar du?', 'Mitä tarkoitat?'),
  q('session.groundRulesText', 'en', '003', 'utan att värdera eller fördöma', 'we listen without judging'),
  q('session.groundRulesText', 'en', '003', 'Snälltolka varandra', 'Read each other kindly'),
  q('session.groundRulesText', 'en', '003', 'Hur menar du?', 'What do you mean?'),

  // The preparation checklist (000/002, and 004 for the child).
  q('prep.client', 'sv', '000', 'Gå tillsammans med klienten igenom hur nätverksmötet kommer att gå till', 'Gå tillsammans med klienten igenom hur mötet kommer att gå till'),
  q('prep.client', 'sv', '000', 'Om vad kan man komma överens i nätverket', 'vad man kan komma överens om'),
  q('prep.client', 'fi', '002', 'Käy verkostokokouksen kulku läpi asiakkaasi kanssa', 'kulku läpi asiakkaan kanssa'),
  q('prep.client', 'fi', '002', 'Millä tavoin läheiset ja työntekijät osallistuvat', 'läheiset ja työntekijät osallistuvat'),
  q('prep.client', 'da', '004', 'forberedes grundigt og i samarbejde med barnet/den unge og forældre', 'Forbered mødet sammen med borgeren og familien'),
  q('prep.client', 'da', '004', 'hvem der skal deltage i netværksmødet, og hvad der bliver delt oplysninger om', 'hvem der skal deltage, hvad der deles oplysninger om'),
  q('prep.client', 'en', '000', 'hur nätverksmötet kommer att gå till', 'how the meeting will go'),
  q('prep.child', 'sv', '000', 'sitter en trygg vuxen', 'en trygg vuxen sitter bredvid'),
  q('prep.child', 'sv', '004', 'barnets modenhed og barnets alder', 'ålder och mognad'),
  q('prep.child', 'fi', '002', 'nuoren/lapsen vieressä istuu turvallinen aikuinen', 'vieressään istuu turvallinen aikuinen'),
  q('prep.child', 'fi', '004', 'barnets modenhed og barnets alder', 'iän ja kehitystason mukaan'),
  q('prep.child', 'da', '004', 'Der skal tales med barnet/den unge inden mødet', 'tal med barnet inden mødet'),
  q('prep.child', 'da', '004', 'barnets modenhed og barnets alder', 'barnets alder og modenhed'),
  q('prep.child', 'da', '000', 'sitter en trygg vuxen', 'sørg for en tryg voksen ved siden af'),
  q('prep.child', 'en', '004', 'Der skal tales med barnet/den unge inden mødet', 'talk with the child before the meeting'),
  q('prep.child', 'en', '000', 'sitter en trygg vuxen', 'make sure a safe adult sits beside them'),
  q('prep.room', 'sv', '000', 'med tanke på din klient är så trivsamt som möjligt', 'så trivsamt som möjligt för klienten'),
  q('prep.room', 'sv', '000', 'blädderblock, näsdukar och något att dricka', 'blädderblock, näsdukar och något att dricka'),
  q('prep.room', 'fi', '002', 'asiakkaasi kannalta mahdollisimman viihtyisä', 'asiakkaan kannalta mahdollisimman viihtyisä'),
  q('prep.room', 'fi', '002', 'fläppitaulu, nenäliinoja ja juotavaa', 'fläppitaulu, nenäliinoja ja juotavaa'),
  q('prep.room', 'da', '001', 'tavler eller flipovers', 'flipover eller tavle'),
  q('prep.room', 'da', '000', 'med tanke på din klient är så trivsamt som möjligt', 'så rart som muligt for borgeren'),
  q('prep.room', 'en', '000', 'med tanke på din klient är så trivsamt som möjligt', 'as pleasant as possible for the client'),
  q('prep.home', 'sv', '000', 'hålla ett nätverksmöte hemma hos klienten', 'Hemma hos klienten'),
  q('prep.home', 'fi', '002', 'voidaan pitää myös asiakkaan kotona', 'Asiakkaan kotona'),
  q('prep.home', 'da', '000', 'hemma hos klienten', 'Hjemme hos borgeren'),
  q('prep.home', 'en', '000', 'hemma hos klienten', "At the client's home"),
  q('prep.together', 'sv', '000', 'alla går in i mötesrummet samtidigt', 'Alla går in samtidigt'),
  q('prep.together', 'fi', '002', 'kaikki tulevat kokoustilaan samaan aikaan', 'tulevat sisään samaan aikaan'),
  q('prep.together', 'da', '000', 'alla går in i mötesrummet samtidigt', 'Alle går ind samtidig'),
  q('prep.together', 'en', '000', 'alla går in i mötesrummet samtidigt', 'Everyone enters at the same time'),
  q('prep.lobby', 'sv', '000', 'alla går in i mötesrummet samtidigt', 'släpp in alla från lobbyn samtidigt'),
  q('prep.lobby', 'fi', '002', 'kaikki tulevat kokoustilaan samaan aikaan', 'päästä kaikki sisään aulasta yhtä aikaa'),
  q('prep.lobby', 'da', '000', 'alla går in i mötesrummet samtidigt', 'lad alle komme ind fra lobbyen på én gang'),
  q('prep.lobby', 'en', '000', 'alla går in i mötesrummet samtidigt', 'admit everyone from the lobby at once'),
];

/** The texts the guides decide, in every language; the Danish phase names only in Danish. */
const COVERED_EVERYWHERE: MessageKey[] = [
  'session.roundHint.introductions',
  'session.prompt.welcome',
  'session.prompt.rolesAndMemo',
  'session.prompt.clientFirst',
  'session.prompt.agreedWithClient',
  'session.prompt.future',
  'session.prompt.agree',
  'session.prompt.summary',
  'session.phase.summary',
  'session.rolesGuide',
  'session.rolesGuideText',
  'session.roundHint.checkIn',
  'session.roundHint.checkOut',
  'session.prompt.checkIn',
  'session.prompt.checkOut',
  ...CHAIR_KEYS,
  'session.groundRulesText',
  'prep.client',
  'prep.child',
  'prep.room',
  'prep.home',
  'prep.together',
  'prep.lobby',
];
const COVERED_IN_DANISH: MessageKey[] = [
  'session.phase.describe',
  'session.phase.reflect',
  'session.phase.agree',
  'session.phaseShort.describe',
  'session.phaseShort.reflect',
  'session.phaseShort.agree',
  'session.phaseShort.summary',
];

/**
 * A text as it reads, for comparing phrases: the seeds are PDF extractions, with words hyphenated
 * across lines ("ord-\nförande"), bullet characters and line breaks in mid-sentence.
 */
export function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\uF0A7\uF0B7\uF0D8\uF0FC\u2022\u25AA\u25CF]/g, ' ')
    .replace(/(\p{L})-[ \t]*\r?\n\s*(?=\p{Ll})/gu, '$1')
    .replace(/[“”„"]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const SEEDS = process.env.SAMRAD_SEEDS ?? join(__dirname, '..', '..', '..', 'shared', 'seeds');
const seedsPresent = existsSync(SEEDS);
const guideTexts = new Map<Guide, string>();
function guideText(guide: Guide): string {
  let text = guideTexts.get(guide);
  if (text === undefined) {
    const file = readdirSync(SEEDS).find((name) => name.startsWith(`${guide}_`) && name.endsWith('.txt'));
    assert.ok(file, `no file for guide ${guide} in ${SEEDS}`);
    text = normalise(readFileSync(join(SEEDS, file), 'utf8'));
    guideTexts.set(guide, text);
  }
  return text;
}

describe('the texts follow the guides they quote', () => {
  describe('the table', () => {
    it('joins words hyphenated across a line break and drops bullets and odd line breaks', () => {
      assert.equal(normalise('Välj ord-\nförande och\n\n sekreterare'), 'välj ordförande och sekreterare');
      assert.equal(normalise('ana- \nlyserende og For- og efterarbejde'), 'analyserende og for- og efterarbejde');
      assert.equal(normalise(' Hälsar alla\n välkomna • och  presentera'), 'hälsar alla välkomna och presentera');
    });

    for (const locale of LOCALES) {
      it(`covers every text the guides decide in ${locale}`, () => {
        const keys = [...COVERED_EVERYWHERE, ...(locale === 'da' ? COVERED_IN_DANISH : [])];
        const covered = new Set(QUOTES.filter((entry) => entry.locale === locale).map((entry) => entry.key));
        assert.deepEqual(keys.filter((key) => !covered.has(key)), []);
      });
    }

    it('keeps the quoted phrases short and every entry distinct', () => {
      const seen = new Set<string>();
      for (const entry of QUOTES) {
        assert.ok(entry.quote.length <= 120 && entry.says.length <= 120, `${entry.key} (${entry.locale}) quotes too much`);
        const id = `${entry.key}|${entry.locale}|${entry.guide}|${entry.quote}|${entry.says}`;
        assert.ok(!seen.has(id), `twice: ${id}`);
        seen.add(id);
      }
    });
  });

  for (const entry of QUOTES) {
    describe(`${entry.key} (${entry.locale}) follows guide ${entry.guide}: “${entry.quote}”`, () => {
      it(`says “${entry.says}”`, () => {
        const text = template(entry.locale, entry.key);
        assert.ok(normalise(text).includes(normalise(entry.says)), `${entry.locale} ${entry.key} is “${text}”; it should say “${entry.says}”`);
      });

      it(`quotes guide ${entry.guide} as it stands`, function () {
        if (!seedsPresent) this.skip();
        assert.ok(guideText(entry.guide).includes(normalise(entry.quote)), `guide ${entry.guide} does not say “${entry.quote}”`);
      });
    });
  }
});
