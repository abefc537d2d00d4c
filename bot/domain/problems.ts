/**
 * What can go wrong in Samråd, as codes. Each code is also the key of its message in the
 * catalogs under `bot/i18n`, so a refusal is shown to each person in their own language.
 */
export const PROBLEM_CODES = [
  'dateRequired',
  'dateInvalid',
  'datePast',
  'dateTooFar',
  'timeRequired',
  'timeInvalid',
  'timeNotOnDate',
  'unusualTime',
  'durationInvalid',
  'placeKindInvalid',
  'placeDetailsRequired',
  'textTooLong',
  'nameRequired',
  'groupInvalid',
  'clientAlreadyAdded',
  'duplicateInvitee',
  'teamsUserRequired',
  'emailInvalid',
  'phoneInvalid',
  'contactRequired',
  'addressRequired',
  'contactKindInvalid',
  'languageInvalid',
  'tooManyParticipants',
  'participantUnknown',
  'cannotRemoveOrganizer',
  'purposeRequired',
  'tooManyTopics',
  'roleNotParticipant',
  'coOrganizerInvalid',
  'noWhen',
  'noClient',
  'noInvitees',
  'noWhy',
  'noConsent',
  'staleCard',
  'notDraft',
  'notOrganizer',
  'notCoordinator',
  'notDataProtectionOfficer',
  'notInvited',
  'meetingCancelled',
  'noChange',
  'sessionEnded',
  'notStarted',
  'alreadyStarted',
  'notEnded',
  'onBreak',
  'notOnBreak',
  'actionTextRequired',
  'actionOwnerRequired',
  'dueRequired',
  'dueBeforeMeeting',
  'itemUnknown',
  'tooManyItems',
  'notOwner',
  'responsibleRequired',
  'responsibleNotProfessional',
  'followUpRequired',
  'followUpBeforeMeeting',
  'outcomeMissing',
  'scoreInvalid',
  'feedbackGiven',
  'reasonRequired',
  'alreadyExtended',
  'minutesSent',
  'roundOver',
  'cannotMove',
  'topicRequired',
  'topicUnknown',
  'notRunner',
  'meetingNotFound',
  'answerInvalid',
  'unknownAction',
  'busy',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** One reason a request was refused, with the values its message needs. */
export interface Problem {
  code: ProblemCode;
  params?: Record<string, string | number>;
}

/** A request the rules refuse; nothing was changed. Carries every problem found, not only the first. */
export class Refusal extends Error {
  /** The problems, in the order the form shows its fields. */
  readonly problems: Problem[];

  constructor(problems: Problem | Problem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(`refused: ${list.map((p) => p.code).join(', ')}`);
    this.name = 'Refusal';
    this.problems = list;
  }
}

/** Throws a Refusal when the list is not empty. */
export function refuseIfAny(problems: Problem[]): void {
  if (problems.length > 0) throw new Refusal(problems);
}
