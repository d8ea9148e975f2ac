// The three operational examples of the seed article, as typed answers by intake step id.
// Shared by the terminal end-to-end tests and the records tests. (Copy before use when a step
// takes several answers in turn: the harness consumes arrays.)

export const BRUISING_NARRATIVE =
  'Found bruising on both her upper arms during personal care this morning. Nobody knows how it happened. AB said "it hurts".';

export const BRUISING_ANSWERS: Record<string, string | string[]> = {
  life: 'no',
  danger: 'no',
  service: '1',
  subject: 'AB',
  narrative: BRUISING_NARRATIVE,
  when: 'not sure',
  categories: 'abuse',
  subject_age: 'adult',
  injury: 'needs_assessment',
  hospital: 'no',
  work_factor: 'no',
  hcp_opinion: 'none',
  abuse: 'yes',
  abuse_category: 'physical',
  alleged_source: 'unknown',
  care_needs: 'yes',
  unable_to_protect: 'yes',
  pattern: 'no',
  crime: 'unclear',
  crime_timing: 'days',
  regulated_activity: 'yes',
  police_involved: 'no',
  capacity: 'lacks',
  coercion: 'no',
  risk_to_others: 'not sure',
  actions_taken: 'none',
  confirm: 'yes',
};

export const SUICIDAL_ANSWERS: Record<string, string | string[]> = {
    life: 'no',
    danger: 'no',
    service: '3',
    subject: 'JT',
    narrative: 'JT is very distressed and says she wants to end her life tonight. She has been saving up her tablets.',
    when: ['10 minutes ago', 'yes'],
    categories: 'mental_health',
    subject_age: 'adult',
    injury: 'none',
    abuse: 'no',
    mh_crisis: 'plan_or_intent',
    capacity: 'has',
    consent: 'given',
    actions_taken: 'none',
    confirm: 'yes',
};

export const ASSAULT_ANSWERS: Record<string, string | string[]> = {
  life: 'no',
  danger: 'no',
  service: '1',
  subject: 'MR',
  narrative: "MR says her son's friend punched her in the face in her room this afternoon. He has left.",
  when: 'not sure',
  categories: 'abuse, crime',
  subject_age: 'adult',
  injury: 'minor',
  work_factor: 'no',
  abuse: 'yes',
  abuse_category: 'physical',
  alleged_source: 'other_known_person',
  care_needs: 'yes',
  unable_to_protect: 'yes',
  pattern: 'no',
  crime: 'assault',
  crime_timing: 'now_or_within_hours',
  evidence_at_risk: 'no',
  regulated_activity: 'yes',
  police_involved: 'no',
  capacity: 'has',
  consent: 'given',
  coercion: 'no',
  risk_to_others: 'yes',
  actions_taken: 'none',
  confirm: 'yes',
};


/**
 * The bruising example as button clicks and typed text for the Slack and Teams drivers and the
 * benchmark: each step lists what to do each time it is asked (a choice id, else text to type).
 */
export const BRUISING_CHAT_NARRATIVE =
  'Unexplained bruising on both forearms, found during personal care this morning. J.S. could not say how it happened.';
export const BRUISING_CLICKS: Record<string, string[]> = {
  subject: ['J.S.'],
  categories: ['abuse', 'done'],
  subject_age: ['adult'],
  injury: ['needs_assessment'],
  hcp_opinion: ['none'],
  hospital: ['no'],
  abuse: ['yes'],
  abuse_category: ['physical', 'done'],
  alleged_source: ['unknown'],
  care_needs: ['yes'],
  unable_to_protect: ['yes'],
  crime: ['unclear'],
  crime_timing: ['now_or_within_hours'],
  evidence_at_risk: ['no'],
  regulated_activity: ['yes'],
  capacity: ['lacks'],
  actions_taken: ['none', 'done'],
};

/** The suicidal-intent example as clicks for the chat drivers (steps not listed get their defaults). */
export const SUICIDAL_CHAT_NARRATIVE =
  'T.R. is very distressed and told me he has a plan to end his life tonight. He showed me tablets he has saved up. I am staying with him.';
export const SUICIDAL_CLICKS: Record<string, string[]> = {
  service: ['willow-lane'],
  subject: ['T.R.'],
  categories: ['mental_health', 'done'],
  subject_age: ['adult'],
  injury: ['none'],
  abuse: ['no'],
  mh_crisis: ['plan_or_intent'],
  capacity: ['unsure'],
  actions_taken: ['none', 'done'],
};

/** The assault allegation as clicks for the chat drivers. */
export const ASSAULT_CHAT_NARRATIVE =
  'M.K. says a carer grabbed her arm hard and slapped her during personal care this morning. She has a red mark on her cheek.';
export const ASSAULT_CLICKS: Record<string, string[]> = {
  subject: ['M.K.'],
  categories: ['abuse', 'crime', 'done'],
  subject_age: ['adult'],
  injury: ['minor'],
  abuse: ['yes'],
  abuse_category: ['physical', 'done'],
  alleged_source: ['staff_or_volunteer'],
  works_with_children: ['no'],
  care_needs: ['yes'],
  unable_to_protect: ['yes'],
  pattern: ['no'],
  crime: ['assault'],
  crime_timing: ['now_or_within_hours'],
  evidence_at_risk: ['no'],
  regulated_activity: ['yes'],
  police_involved: ['no'],
  capacity: ['has'],
  risk_to_others: ['yes'],
  actions_taken: ['none', 'done'],
};

/** Unexplained minor bruising on `subject`, source unknown, no crime established: a safeguarding referral. */
export function minorBruisingClicks(subject: string): Record<string, string[]> {
  return {
    subject: [subject],
    categories: ['abuse', 'done'],
    subject_age: ['adult'],
    injury: ['minor'],
    abuse: ['yes'],
    abuse_category: ['physical', 'done'],
    alleged_source: ['unknown'],
    care_needs: ['yes'],
    unable_to_protect: ['yes'],
    crime: ['unclear'],
    crime_timing: ['days'],
    actions_taken: ['none', 'done'],
  };
}
