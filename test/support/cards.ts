/** Every text a person would read on a card: texts, titles, labels, fact values, choices. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'label', 'value', 'placeholder']) if (typeof el[key] === 'string') out.push(el[key] as string);
    for (const [key, value] of Object.entries(el)) if (key !== 'data') visit(value);
  };
  visit(card);
  return out.join('\n');
}

/** The card attached to a posted activity. */
export function attachedCard(activity: any): any {
  return activity?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** The actions on a card, anywhere in it. */
export function cardActions(card: unknown): { title: string; verb?: string; data?: Record<string, unknown>; url?: string; type: string }[] {
  const out: any[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    if (typeof el.type === 'string' && el.type.startsWith('Action.')) out.push(el);
    Object.values(el).forEach(visit);
  };
  visit(card);
  return out;
}

/** The action with this verb (and, when given, these data values); fails loudly when absent. */
export function action(card: unknown, verb: string, where: Record<string, string> = {}): { verb: string; data: Record<string, unknown> } {
  const found = cardActions(card).find((a) => a.verb === verb && Object.entries(where).every(([k, v]) => a.data?.[k] === v));
  if (!found) throw new Error(`no ${verb} action on the card`);
  return found as { verb: string; data: Record<string, unknown> };
}

/** The inputs on a card by id. */
export function cardInputs(card: unknown): Record<string, any> {
  const out: Record<string, any> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const el = node as Record<string, any>;
    if (typeof el.type === 'string' && el.type.startsWith('Input.') && typeof el.id === 'string') out[el.id] = el;
    Object.values(el).forEach(visit);
  };
  visit(card);
  return out;
}

/** The input with this name: its id is the name, or the name and the digest of its choices (`present_1a2b3c4d`). */
export function cardInput(card: unknown, name: string): any {
  const found = Object.entries(cardInputs(card)).find(([id]) => id === name || new RegExp(`^${name}_[0-9a-f]{8}$`).test(id));
  if (!found) throw new Error(`no input ${name} on the card`);
  return found[1];
}

/** A catalog placeholder left unfilled (`{min}`), or a template expression left unexpanded (`${t.x}`). */
const UNFILLED = /\$?\{[A-Za-z][\w.]*\}/;

/**
 * Fails when any text a person would read on the card still shows a placeholder: every catalog
 * text with `{placeholders}` must have them filled by the code that shows it.
 */
export function assertFilled(card: unknown, where = 'a card'): void {
  const text = cardText(card);
  const found = UNFILLED.exec(text);
  if (found) throw new Error(`${where} shows the unfilled placeholder ${found[0]}: ${text.slice(Math.max(0, found.index - 80), found.index + 40)}`);
}

// The reference Adaptive Cards SDK, read as CommonJS (it has no typings for Node).
const AC = require('adaptivecards/dist/adaptivecards.js');

/**
 * The people picker of the "Who?" card is Teams' `choices.data` (Data.Query) on an empty choice
 * list. The reference SDK knows it only from schema 1.6 and wants a choice, so it reports these
 * two, and nothing else is accepted. `msteams` (width Full) is host data and raises nothing.
 */
const KNOWN_WARNINGS = [
  { phase: 'Parse', event: 'UnsupportedProperty', source: 'teamsUser', message: /^Property "choices\.data" is supported in version 1\.6/ },
  { phase: 'Validation', event: 'CollectionCantBeEmpty', source: 'teamsUser', message: /at least one choice/ },
];

/** What the Adaptive Cards SDK reports when it parses and validates the card as schema 1.5, minus the known Teams warnings. */
export function validationErrors(json: object): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const events: { phase: number; event: number; message: string; source?: { id?: string } }[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...card.validateProperties().validationEvents);
  return events
    .map((e) => ({ phase: AC.ValidationPhase[e.phase], event: AC.ValidationEvent[e.event], source: e.source?.id, message: e.message }))
    .filter((e) => !KNOWN_WARNINGS.some((k) => k.phase === e.phase && k.event === e.event && k.source === e.source && k.message.test(e.message)))
    .map((e) => `${e.phase}/${e.event} at ${e.source ?? '?'}: ${e.message}`);
}
