// The rule engine on cases of our own: at least one per rule id (A1..I3, K1), the family rule,
// the consent and capacity table, "not sure" answers, merging, advice, and the three operational
// examples of shared/seed/multi-agency-escalation.txt.

import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/conversations/rules-schema.js';
import { AnswerError, decide, validateAnswers } from '../../src/core/rules/engine.js';
import type { Decision, Level } from '../../src/core/types.js';

const rules = loadRules().value;

function run(answers: Record<string, unknown>): Decision {
  return decide(validateAnswers(answers, rules), rules);
}

function describeDecision(d: Decision): string {
  return d.escalations.map((e) => `${e.code}=${e.level}/${e.timing} [${e.rules.join(',')}]`).join('; ') || '(none)';
}

/** Assert levels per code ('not_needed' = absent) and that `rule` is among the ids behind them. */
function check(answers: Record<string, unknown>, want: Record<string, Level>, rule?: string): Decision {
  const d = run(answers);
  for (const [code, level] of Object.entries(want)) {
    const e = d.escalations.find((x) => x.code === code);
    const msg = `${code}: ${describeDecision(d)}`;
    if (level === 'not_needed') expect(e, msg).toBeUndefined();
    else {
      expect(e?.level, msg).toBe(level);
      if (rule && level !== 'recommended') expect(d.escalations.some((x) => x.rules.includes(rule)), `rule ${rule}: ${msg}`).toBe(true);
    }
  }
  return d;
}

const get = (d: Decision, code: string) => d.escalations.find((e) => e.code === code);
const adult = { subject_age: 'adult' };
const abuse = { ...adult, abuse_suspected: 'yes', care_support_needs: 'yes', unable_to_protect: 'yes' };

describe('A. immediate safety', () => {
  it('A1 life in danger: ambulance now, manager', () => {
    const d = check({ ...adult, immediate_life_risk: 'yes' }, { ambulance: 'required', oncall_manager: 'required' }, 'A1');
    expect(get(d, 'ambulance')?.timing).toBe('now');
    expect(d.advice[0]).toMatch(/^Call 999 now/);
  });
  it('A2 danger from another person: police 999 now', () => {
    const d = check({ ...adult, ongoing_danger: 'yes' }, { emergency_999: 'required', oncall_manager: 'required', police_101: 'not_needed' }, 'A2');
    expect(get(d, 'emergency_999')?.timing).toBe('now');
  });
  it('A2 recent crime with evidence at risk: 999; without: not 999', () => {
    check({ ...abuse, crime: 'assault', crime_timing: 'now_or_within_hours', evidence_at_risk: 'yes' }, { emergency_999: 'required' }, 'A2');
    check({ ...abuse, crime: 'assault', crime_timing: 'now_or_within_hours', capacity: 'lacks' }, { emergency_999: 'not_needed', police_101: 'required' });
  });
  it('A3 found unresponsive, DNACPR not known: ambulance and CPR', () => {
    const d = check({ ...adult, found_unresponsive: 'yes', dnacpr_or_respect: 'unknown' }, { ambulance: 'required' }, 'A3');
    expect(d.advice.join(' ')).toMatch(/Start CPR/);
  });
  it('A3 does not fire with a valid DNACPR', () => {
    check({ ...adult, found_unresponsive: 'yes', dnacpr_or_respect: 'yes' }, { ambulance: 'not_needed' });
  });
  it('A4 missing at risk: 999, manager now, family, CQC, Herbert Protocol', () => {
    const d = check(
      { ...adult, missing: 'at_risk' },
      { emergency_999: 'required', oncall_manager: 'required', family_nok: 'required', cqc_notification: 'required', safeguarding_adults: 'recommended', police_101: 'not_needed' },
      'A4',
    );
    expect(get(d, 'oncall_manager')?.timing).toBe('now');
    expect(d.advice.join(' ')).toMatch(/Herbert Protocol/);
  });
  it('A5 late but whereabouts known: nothing external', () => {
    const d = check({ ...adult, missing: 'whereabouts_known_late' }, { emergency_999: 'not_needed', oncall_manager: 'not_needed', family_nok: 'not_needed' });
    expect(d.escalations).toEqual([]);
  });
});

describe('B. clinical', () => {
  it('B1 head injury on blood thinners: ambulance now; CQC, RIDDOR, candour conditional', () => {
    const d = check(
      { ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'yes', injury: 'minor' },
      { ambulance: 'required', oncall_manager: 'required', cqc_notification: 'conditional', riddor: 'conditional', duty_of_candour: 'conditional', gp_or_health: 'recommended' },
      'B1',
    );
    expect(get(d, 'cqc_notification')?.condition).toMatch(/serious injury/);
  });
  it('B1 applies when blood thinners are not known', () => {
    check({ ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'unknown' }, { ambulance: 'required' }, 'B1');
  });
  it('blood thinners without a head injury do not call an ambulance', () => {
    check({ ...adult, head_injury: 'no', anticoag_or_antiplatelet: 'yes' }, { ambulance: 'not_needed' });
  });
  it('B2 head injury with red flags: ambulance; red flags not known: conditional', () => {
    check({ ...adult, head_injury: 'yes', head_injury_red_flags: 'yes' }, { ambulance: 'required' }, 'B2');
    check({ ...adult, head_injury: 'yes', head_injury_red_flags: 'unknown' }, { ambulance: 'conditional' }, 'B2');
  });
  it('head injury without blood thinners or red flags: GP or 111 advice and observations, no ambulance', () => {
    const d = check({ ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'no', injury: 'minor' }, { ambulance: 'not_needed', gp_or_health: 'recommended' }, 'B2-no-red-flags');
    expect(d.advice.join(' ')).toMatch(/Call 999 if they get drowsy/);
  });
  it('conditional escalations carry the timing that applies once they become required', () => {
    const d = run({ ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'yes' });
    expect(get(d, 'cqc_notification')?.timing).toBe('without_delay_statutory');
    expect(get(d, 'riddor')?.timing).toBe('riddor_10d');
    expect(get(d, 'duty_of_candour')?.timing).toBe('candour_asap');
  });
  it('B3 injury needing assessment: GP or 111 within hours', () => {
    const d = check({ ...adult, injury: 'needs_assessment' }, { gp_or_health: 'required' }, 'B3');
    expect(get(d, 'gp_or_health')?.timing).toBe('urgent_hours');
  });
  it('B4 minor injury and nothing else: family only if wished', () => {
    const d = check({ ...adult, injury: 'minor' }, { family_nok: 'recommended', gp_or_health: 'not_needed', oncall_manager: 'not_needed', safeguarding_adults: 'not_needed' }, 'B4');
    expect(get(d, 'family_nok')?.rules).toEqual(['B4']);
  });
  it('B5 medication error with harm: GP now, safeguarding, CQC and candour once the HCP says serious', () => {
    check(
      { ...adult, med_event: 'error_with_harm', hcp_harm_opinion: 'meets_threshold' },
      { gp_or_health: 'required', oncall_manager: 'required', safeguarding_adults: 'required', cqc_notification: 'required', duty_of_candour: 'required' },
      'B5',
    );
    check({ ...adult, med_event: 'error_with_harm', hcp_harm_opinion: 'pending' }, { cqc_notification: 'conditional', duty_of_candour: 'conditional' }, 'B5');
    check({ ...adult, med_event: 'error_with_harm' }, { cqc_notification: 'not_needed', duty_of_candour: 'not_needed' });
  });
  it('B6 medication error, no harm: GP recommended; safeguarding consult only on a pattern', () => {
    check({ ...adult, med_event: 'error_no_harm' }, { gp_or_health: 'recommended', safeguarding_adults: 'not_needed' }, 'B6');
    check({ ...adult, med_event: 'error_no_harm', pattern: 'yes' }, { safeguarding_adults: 'consult' }, 'B6');
  });
  it('B7 near miss: nothing external', () => {
    expect(run({ ...adult, med_event: 'near_miss' }).escalations).toEqual([]);
  });
});

describe('C. death', () => {
  it('C1 expected death: GP, family, CQC; no police, ambulance or coroner', () => {
    const d = check(
      { ...adult, death: 'expected', during_regulated_activity: 'yes' },
      { gp_or_health: 'required', family_nok: 'required', cqc_notification: 'required', oncall_manager: 'recommended', emergency_999: 'not_needed', ambulance: 'not_needed', police_101: 'not_needed', riddor: 'not_needed' },
      'C1',
    );
    expect(d.advice.join(' ')).toMatch(/DoLS alone/);
  });
  it('C2 unexpected death: ambulance, manager now, CQC, family; no separate police call', () => {
    check(
      { ...adult, death: 'unexpected_natural' },
      { ambulance: 'required', oncall_manager: 'required', cqc_notification: 'required', family_nok: 'required', emergency_999: 'not_needed' },
      'C2',
    );
  });
  it('C3 suspicious death: ambulance and police now, scene preserved', () => {
    const d = check(
      { ...adult, death: 'unexpected_suspicious' },
      { ambulance: 'required', emergency_999: 'required', oncall_manager: 'required', cqc_notification: 'required', safeguarding_adults: 'recommended', family_nok: 'recommended' },
      'C3',
    );
    expect(d.advice.join(' ')).toMatch(/keep people out/);
  });
  it('C4 death after a work-related accident: RIDDOR within 10 days', () => {
    const d = check({ ...adult, death: 'unexpected_natural', work_factor: 'yes' }, { riddor: 'required' }, 'C4');
    expect(get(d, 'riddor')?.timing).toBe('riddor_10d');
  });
  it('C5 death linked to an unintended incident: candour; HCP opinion pending: conditional', () => {
    check({ ...adult, death: 'unexpected_natural', unintended_unexpected: 'yes', hcp_harm_opinion: 'meets_threshold' }, { duty_of_candour: 'required' }, 'C5');
    check({ ...adult, death: 'unexpected_natural', unintended_unexpected: 'yes', hcp_harm_opinion: 'pending' }, { duty_of_candour: 'conditional' }, 'C5');
  });
});

describe('D. serious injury, CQC, RIDDOR, candour', () => {
  it('D1 serious injury confirmed during care: CQC without delay', () => {
    const d = check({ ...adult, injury: 'serious_confirmed', during_regulated_activity: 'yes' }, { cqc_notification: 'required', oncall_manager: 'required' }, 'D1');
    expect(get(d, 'cqc_notification')?.timing).toBe('without_delay_statutory');
  });
  it('D2 serious injury suspected: CQC conditional on the HCP', () => {
    check({ ...adult, injury: 'serious_suspected' }, { cqc_notification: 'conditional' }, 'D2');
  });
  it('D3 notifiable safety incident: candour whatever the fault', () => {
    const d = check(
      { ...adult, hcp_harm_opinion: 'meets_threshold', unintended_unexpected: 'yes', during_regulated_activity: 'yes' },
      { duty_of_candour: 'required' },
      'D3',
    );
    expect(get(d, 'duty_of_candour')?.timing).toBe('candour_asap');
  });
  it('D4 resident taken straight to hospital after a work-related fall: RIDDOR', () => {
    check({ ...adult, injury: 'serious_confirmed', to_hospital_directly_for_treatment: 'yes', work_factor: 'yes' }, { riddor: 'required' }, 'D4');
  });
  it('D5 no work factor: no RIDDOR (CQC still applies: two separate thresholds)', () => {
    check(
      { ...adult, injury: 'serious_confirmed', to_hospital_directly_for_treatment: 'yes', work_factor: 'no', during_regulated_activity: 'yes' },
      { riddor: 'not_needed', cqc_notification: 'required' },
    );
  });
  it('D6 work factor not known with a hospital injury: RIDDOR consult', () => {
    check({ ...adult, to_hospital_directly_for_treatment: 'yes', work_factor: 'unknown' }, { riddor: 'consult' }, 'D6');
  });
  it('D7 worker with a specified injury: RIDDOR within 10 days', () => {
    const d = check({ ...adult, injured_is_worker: 'yes', worker_specified_injury: 'yes' }, { riddor: 'required', oncall_manager: 'required' }, 'D7');
    expect(get(d, 'riddor')?.timing).toBe('riddor_10d');
  });
  it('D8 worker off over 7 days: RIDDOR within 15 days; not known yet: conditional', () => {
    const d = check({ ...adult, injured_is_worker: 'yes', worker_off_over_7_days: 'yes' }, { riddor: 'required', cqc_notification: 'not_needed' }, 'D8');
    expect(get(d, 'riddor')?.timing).toBe('riddor_15d');
    check({ ...adult, injured_is_worker: 'yes', worker_off_over_7_days: 'unknown' }, { riddor: 'conditional' }, 'D8');
  });
  it('D9 worker hurt by a service user: offer police, review behaviour', () => {
    check({ ...adult, injured_is_worker: 'yes', violence_by_service_user: 'yes' }, { police_101: 'recommended', gp_or_health: 'recommended', safeguarding_adults: 'not_needed' }, 'D9');
  });
  it('D10 grade 3+ pressure ulcer: CQC, district nurse; safeguarding consult, required with care concerns', () => {
    check({ ...adult, pressure_ulcer_grade3plus: 'yes' }, { cqc_notification: 'required', gp_or_health: 'required', safeguarding_adults: 'consult' }, 'D10');
    check({ ...adult, pressure_ulcer_grade3plus: 'yes', care_concerns: 'yes' }, { safeguarding_adults: 'required' }, 'D10');
  });
});

describe('E. abuse and neglect (adults)', () => {
  it('E0 any abuse allegation about a service user: CQC and manager', () => {
    check({ ...abuse, abuse_category: ['psychological'] }, { cqc_notification: 'required', oncall_manager: 'required' }, 'E0');
  });
  it('E1 s42 tests met: safeguarding the same working day; now with immediate risk', () => {
    const d = check({ ...abuse, abuse_category: ['psychological'] }, { safeguarding_adults: 'required' }, 'E1');
    expect(get(d, 'safeguarding_adults')?.timing).toBe('same_working_day');
    const now = check({ ...abuse, abuse_category: ['physical'], ongoing_danger: 'yes' }, { safeguarding_adults: 'required' }, 'E1');
    expect(get(now, 'safeguarding_adults')?.timing).toBe('now');
  });
  it('E1 s42 limbs not known count as met (the council decides)', () => {
    check({ ...adult, abuse_suspected: 'yes', care_support_needs: 'unknown', unable_to_protect: 'unknown' }, { safeguarding_adults: 'required' }, 'E1');
  });
  it('E1 limbs answered no: still consult, never not_needed', () => {
    check({ ...adult, abuse_suspected: 'yes', care_support_needs: 'no' }, { safeguarding_adults: 'consult' }, 'E1-limbs-uncertain');
  });
  it('E2 staff allegation: manager now, PiPoT, do not alert the staff member, DBS note', () => {
    const d = check(
      { ...abuse, abuse_category: ['physical'], alleged_source: 'staff_or_volunteer' },
      { oncall_manager: 'required', safeguarding_adults: 'required', cqc_notification: 'required', lado: 'not_needed' },
      'E2',
    );
    expect(get(d, 'oncall_manager')?.timing).toBe('now');
    expect(d.advice.join(' ')).toMatch(/Do not alert or question the staff member/);
    expect(d.advice.join(' ')).toMatch(/DBS/);
  });
  it('E2 LADO when the staff member works with children; consult when not known', () => {
    check({ ...abuse, alleged_source: 'staff_or_volunteer', subject_works_with_children: 'yes' }, { lado: 'required' }, 'E2');
    check({ ...abuse, alleged_source: 'staff_or_volunteer', subject_works_with_children: 'unknown' }, { lado: 'consult' }, 'E2');
  });
  it('E3 crime with consent given: police 101 required; consent not asked: consult', () => {
    check({ ...abuse, abuse_category: ['financial_material'], crime: 'theft_fraud', crime_timing: 'days', consent: 'given' }, { police_101: 'required' }, 'E3');
    check({ ...abuse, abuse_category: ['financial_material'], crime: 'theft_fraud', crime_timing: 'days' }, { police_101: 'consult' }, 'E3');
  });
  it('E3 coercion or risk to others make it required without consent', () => {
    check({ ...abuse, crime: 'theft_fraud', crime_timing: 'days', coercion: 'yes' }, { police_101: 'required' }, 'E3');
    check({ ...abuse, crime: 'theft_fraud', crime_timing: 'days', risk_to_others: 'yes' }, { police_101: 'required' }, 'E3');
  });
  it('E3b crime unclear or hate: police consult', () => {
    check({ ...abuse, crime: 'unclear' }, { police_101: 'consult' }, 'E3b');
    check({ ...abuse, crime: 'hate', crime_timing: 'days' }, { police_101: 'consult' }, 'E3b');
  });
  it('E4 recent sexual offence: 999 and safeguarding now, evidence advice', () => {
    const d = check(
      { ...abuse, abuse_category: ['sexual'], crime: 'sexual_offence', crime_timing: 'now_or_within_hours' },
      { emergency_999: 'required', safeguarding_adults: 'required', ambulance: 'not_needed' },
      'E4',
    );
    expect(get(d, 'safeguarding_adults')?.timing).toBe('now');
    expect(d.advice.join(' ')).toMatch(/not to wash/);
    check({ ...abuse, crime: 'sexual_offence', crime_timing: 'now_or_within_hours', injury: 'needs_assessment' }, { ambulance: 'required' }, 'E4');
  });
  it('E5 sexual offence days ago: police 101 today', () => {
    check({ ...abuse, crime: 'sexual_offence', crime_timing: 'days' }, { police_101: 'required', emergency_999: 'not_needed' }, 'E5');
  });
  it('E6 self-neglect with capacity and no serious risk: GP, not safeguarding', () => {
    check({ ...adult, abuse_category: ['self_neglect'], capacity: 'has' }, { gp_or_health: 'recommended', safeguarding_adults: 'not_needed', cqc_notification: 'not_needed' }, 'E6');
  });
  it('E7 self-neglect with serious risk or unclear capacity: safeguarding, GP, manager', () => {
    check({ ...adult, abuse_category: ['self_neglect'], self_neglect_serious_risk: 'yes' }, { safeguarding_adults: 'required', gp_or_health: 'required', oncall_manager: 'required' }, 'E7');
    check({ ...adult, abuse_category: ['self_neglect'], capacity: 'unclear' }, { safeguarding_adults: 'required' }, 'E7');
  });
  it('E8 single minor incident between residents: safeguarding consult, CQC', () => {
    check(
      { ...abuse, abuse_category: ['physical'], alleged_source: 'another_service_user', injury: 'minor' },
      { safeguarding_adults: 'consult', cqc_notification: 'required', gp_or_health: 'recommended', police_101: 'not_needed' },
      'E8',
    );
  });
  it('E9 repeated incident between residents: safeguarding required', () => {
    check({ ...abuse, alleged_source: 'another_service_user', injury: 'minor', pattern: 'yes' }, { safeguarding_adults: 'required', cqc_notification: 'required' }, 'E9');
  });
  it('E10 provider neglect causing harm: safeguarding, CQC, commissioner', () => {
    check(
      { ...abuse, abuse_category: ['neglect_omission'], alleged_source: 'organisation', injury: 'minor' },
      { safeguarding_adults: 'required', cqc_notification: 'required', commissioner: 'recommended' },
      'E10',
    );
  });
  it('E11 financial abuse by an attorney: OPG note', () => {
    const d = run({ ...abuse, abuse_category: ['financial_material'], alleged_source: 'family_or_partner', alleged_source_is_attorney: 'yes' });
    expect(d.advice.join(' ')).toMatch(/Office of the Public Guardian/);
  });
  it('E12 / FAM alleged source is family: family never told, warning given', () => {
    const d = check(
      { ...abuse, abuse_category: ['physical'], alleged_source: 'family_or_partner', capacity: 'lacks', injury: 'serious_confirmed', during_regulated_activity: 'yes' },
      { family_nok: 'not_needed', safeguarding_adults: 'required' },
    );
    expect(d.advice.join(' ')).toMatch(/Never tell the alleged abuser/);
  });
  it('E13 domestic abuse: DASH/MARAC note; children in the home: children\'s safeguarding', () => {
    const d = check({ ...abuse, abuse_category: ['domestic'], alleged_source: 'family_or_partner' }, { childrens_safeguarding: 'not_needed' });
    expect(d.advice.join(' ')).toMatch(/DASH/);
    check({ ...abuse, abuse_category: ['domestic'], children_in_household: 'yes' }, { childrens_safeguarding: 'required' }, 'E13');
  });
  it('E14 non-recent abuse disclosed: manager, police offered; children\'s safeguarding if the abuser sees children', () => {
    check(
      { ...adult, child_concern: 'adult_disclosing_childhood_abuse' },
      { oncall_manager: 'required', police_101: 'recommended', safeguarding_adults: 'recommended', cqc_notification: 'recommended', childrens_safeguarding: 'not_needed' },
      'E14',
    );
    check({ ...adult, child_concern: 'adult_disclosing_childhood_abuse', abuser_has_child_access: 'yes' }, { childrens_safeguarding: 'required' }, 'E14');
    check({ ...adult, abuse_suspected: 'yes', crime_timing: 'non_recent', abuser_has_access_to_adults_at_risk: 'yes' }, { safeguarding_adults: 'required' }, 'E14');
  });
});

describe('F. mental health crisis', () => {
  it('F1 overdose taken: ambulance now', () => {
    check({ ...adult, mh_crisis: 'harm_done' }, { ambulance: 'required', oncall_manager: 'required', crisis_mental_health: 'recommended' }, 'F1');
  });
  it('F2 plan or intent: crisis team now, manager now, 999 kept as conditional', () => {
    const d = check(
      { ...adult, mh_crisis: 'plan_or_intent' },
      { crisis_mental_health: 'required', oncall_manager: 'required', ambulance: 'conditional', emergency_999: 'conditional', family_nok: 'recommended' },
      'F2',
    );
    expect(get(d, 'crisis_mental_health')?.timing).toBe('now');
    expect(d.advice.join(' ')).toMatch(/Stay with the person and remove means/);
  });
  it('F3 thoughts without a plan: GP today, crisis advice recommended', () => {
    check({ ...adult, mh_crisis: 'thoughts_no_plan' }, { gp_or_health: 'required', crisis_mental_health: 'recommended' }, 'F3');
  });
  it('F4 distress only: GP, not crisis; ask about suicide', () => {
    const d = check({ ...adult, mh_crisis: 'distress_no_intent' }, { gp_or_health: 'required', crisis_mental_health: 'not_needed' }, 'F4');
    expect(d.advice.join(' ')).toMatch(/suicidal thoughts/);
  });
  it('F5 a crisis on its own is not safeguarding or police', () => {
    check({ ...adult, mh_crisis: 'plan_or_intent' }, { safeguarding_adults: 'not_needed', police_101: 'not_needed' });
  });
});

describe('G. children', () => {
  it('G1 child at risk: children\'s safeguarding, manager; 999 only if alone or in danger', () => {
    check({ subject_age: 'child', child_concern: 'child_at_risk' }, { childrens_safeguarding: 'required', oncall_manager: 'required', emergency_999: 'not_needed' }, 'G1');
    check({ subject_age: 'child', child_concern: 'child_at_risk', child_alone_or_in_danger: 'yes' }, { emergency_999: 'required' }, 'G1');
  });
  it('G2 allegation about a worker who works with children: LADO, police if a crime', () => {
    check(
      { ...adult, child_concern: 'worker_allegation_re_child', subject_works_with_children: 'yes', crime: 'assault', crime_timing: 'days' },
      { lado: 'required', police_101: 'required', childrens_safeguarding: 'recommended' },
      'G2',
    );
  });
  it('G3 adult-care worker harms own child: children\'s safeguarding and PiPoT, no LADO', () => {
    check(
      { ...adult, child_concern: 'worker_allegation_re_child', subject_works_with_children: 'no' },
      { childrens_safeguarding: 'required', lado: 'not_needed', safeguarding_adults: 'recommended', police_101: 'recommended', cqc_notification: 'not_needed' },
      'G3',
    );
  });
  it('G4 child service user harmed by staff: LADO and CQC, never adult safeguarding', () => {
    check(
      { subject_age: 'child', child_is_service_user: 'yes', abuse_suspected: 'yes', alleged_source: 'staff_or_volunteer', care_support_needs: 'yes', unable_to_protect: 'yes' },
      { lado: 'required', cqc_notification: 'required', oncall_manager: 'required', safeguarding_adults: 'not_needed', family_nok: 'recommended' },
      'G4',
    );
  });
  it('G5 alleged abuser has access to children: children\'s safeguarding without consent', () => {
    check({ ...adult, child_concern: 'alleged_abuser_has_child_access', capacity: 'has', consent: 'refused' }, { childrens_safeguarding: 'required' }, 'G5');
  });
  it('P6 under-18s never go through adult safeguarding for their own abuse', () => {
    const d = check({ subject_age: 'child', med_event: 'error_with_harm' }, { safeguarding_adults: 'not_needed', gp_or_health: 'required' });
    expect(d.escalations.every((e) => e.code !== 'safeguarding_adults')).toBe(true);
  });
});

describe('H. service events and DoLS', () => {
  it('H1 unsafe staffing: manager now, CQC, commissioner', () => {
    check({ subject_age: 'none', service_disruption: 'staff_shortfall_unsafe' }, { oncall_manager: 'required', cqc_notification: 'required', commissioner: 'recommended' }, 'H1');
  });
  it('H2 utility lost over 24 hours: CQC, manager', () => {
    check({ subject_age: 'none', service_disruption: 'utility_over_24h' }, { cqc_notification: 'required', oncall_manager: 'required' }, 'H2');
  });
  it('H3 safety system failure: CQC, manager', () => {
    check({ subject_age: 'none', service_disruption: 'safety_system_failure' }, { cqc_notification: 'required', oncall_manager: 'required' }, 'H3');
  });
  it('H4 DoLS outcome: CQC only', () => {
    const d = check({ ...adult, dols_event: 'outcome_received' }, { cqc_notification: 'required', oncall_manager: 'recommended', safeguarding_adults: 'not_needed' }, 'H4');
    expect(d.escalations.filter((e) => e.level === 'required').map((e) => e.code)).toEqual(['cqc_notification']);
  });
  it('H5 police involved during care: CQC; during care unclear: consult', () => {
    check({ ...adult, police_involved: 'yes', during_regulated_activity: 'yes' }, { cqc_notification: 'required' }, 'H5');
    check({ ...adult, police_involved: 'yes', during_regulated_activity: 'unclear' }, { cqc_notification: 'consult' }, 'H5');
  });
});

describe('I. on-call manager, K. commissioner', () => {
  it('I1 any required police, ambulance, safeguarding or RIDDOR pages the manager', () => {
    const d = check({ ...adult, injured_is_worker: 'yes', worker_off_over_7_days: 'yes' }, { oncall_manager: 'required' }, 'I1');
    expect(get(d, 'oncall_manager')?.rules).toEqual(['I1']);
  });
  it('I2 routine statutory steps only: manager recommended, not paged', () => {
    check({ ...adult, dols_event: 'application_made' }, { oncall_manager: 'recommended' }, 'I2');
  });
  it('I3 internal record only: no manager escalation', () => {
    check({ ...adult, injury: 'minor' }, { oncall_manager: 'not_needed' });
  });
  it('K1 deaths and required safeguarding: commissioner recommended; DoLS: not', () => {
    check({ ...adult, death: 'expected', during_regulated_activity: 'yes' }, { commissioner: 'recommended' }, 'K1');
    check({ ...adult, dols_event: 'outcome_received' }, { commissioner: 'not_needed' });
  });
});

describe('section 3: family and next of kin', () => {
  it('lacks capacity with an LPA and a hospital transfer: family required', () => {
    check(
      { ...adult, capacity: 'lacks', relevant_person: 'lpa_deputy', injury: 'serious_confirmed', to_hospital_directly_for_treatment: 'yes' },
      { family_nok: 'required' },
      'FAM-lacks-capacity-lpa',
    );
  });
  it('lacks capacity, serious event, no LPA: family recommended (best interests)', () => {
    check({ ...adult, capacity: 'lacks', injury: 'serious_confirmed' }, { family_nok: 'recommended' }, 'FAM-lacks-capacity');
  });
  it('has capacity, serious event: family only with their agreement (recommended)', () => {
    const d = check({ ...adult, capacity: 'has', injury: 'serious_confirmed', during_regulated_activity: 'yes' }, { family_nok: 'recommended' }, 'FAM-has-capacity');
    expect(get(d, 'family_nok')?.reason).toMatch(/only if they agree/);
  });
  it('has capacity and refuses: family not told', () => {
    check({ ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'yes', capacity: 'has', consent: 'refused' }, { family_nok: 'not_needed', ambulance: 'required' });
  });
  it('family cannot be raised again once the alleged source is family', () => {
    const d = run({ ...abuse, alleged_source: 'family_or_partner', missing: 'at_risk' });
    expect(get(d, 'family_nok')).toBeUndefined();
    expect(get(d, 'emergency_999')?.level).toBe('required');
  });
  it('child service user: parent or carer recommended', () => {
    check({ subject_age: 'child', child_is_service_user: 'yes', injury: 'needs_assessment' }, { family_nok: 'recommended' }, 'FAM-child-service-user');
  });
});

describe('section 4: consent and capacity', () => {
  const theft = { ...abuse, abuse_category: ['financial_material'], alleged_source: 'other_known_person', crime: 'theft_fraud', crime_timing: 'days' };
  it('has + given: share as the rules require', () => {
    check({ ...theft, capacity: 'has', consent: 'given' }, { safeguarding_adults: 'required', police_101: 'required' });
  });
  it('has + refused + override ground: stays required, tell them why', () => {
    const d = check({ ...theft, capacity: 'has', consent: 'refused', risk_to_others: 'yes' }, { safeguarding_adults: 'required', police_101: 'required' }, 'S4-refused-override');
    expect(d.advice.join(' ')).toMatch(/Tell them you are sharing and why/);
  });
  it('has + refused + no override: safeguarding consult, police not needed, help given', () => {
    const d = check({ ...theft, capacity: 'has', consent: 'refused' }, { safeguarding_adults: 'consult', police_101: 'not_needed' }, 'S4-refused-no-override');
    expect(get(d, 'safeguarding_adults')?.rules).toContain('S4-refused-no-override');
    expect(d.advice.join(' ')).toMatch(/where to get help/);
  });
  it('has + refused + override ground not known: consult, not the less protective branch', () => {
    check({ ...theft, capacity: 'has', consent: 'refused', coercion: 'unknown' }, { safeguarding_adults: 'consult', police_101: 'consult' }, 'S4-refused-no-override');
  });
  it('has + unsafe to ask: share and record why', () => {
    const d = check({ ...theft, capacity: 'has', consent: 'unsafe_to_ask' }, { safeguarding_adults: 'required' }, 'S4-unsafe-to-ask');
    expect(d.advice.join(' ')).toMatch(/not safe to ask/);
  });
  it('lacks: best interests, normally share with safeguarding and police', () => {
    const d = check({ ...theft, capacity: 'lacks' }, { safeguarding_adults: 'required', police_101: 'required' }, 'S4-lacks-capacity');
    expect(d.advice.join(' ')).toMatch(/best-interests decision/);
  });
  it('unclear: consult and arrange a capacity assessment', () => {
    const d = check({ ...theft, capacity: 'unclear' }, { safeguarding_adults: 'consult', police_101: 'consult' }, 'S4-capacity-unclear');
    expect(d.advice.join(' ')).toMatch(/capacity assessment/);
  });
  it('unclear with serious risk: do not delay, share', () => {
    check({ ...theft, capacity: 'unclear', risk_to_others: 'yes' }, { safeguarding_adults: 'required', police_101: 'required' }, 'S4-capacity-unclear-serious');
  });
  it('emergencies override consent', () => {
    const d = check({ ...abuse, ongoing_danger: 'yes', capacity: 'has', consent: 'refused', crime: 'assault', crime_timing: 'now_or_within_hours' }, { emergency_999: 'required', safeguarding_adults: 'required' });
    expect(d.escalations.flatMap((e) => e.rules).some((r) => r.startsWith('S4-'))).toBe(false);
  });
});

describe('"not sure" answers never take the less protective branch', () => {
  it('work factor not known with direct hospital treatment: RIDDOR consult, not not_needed', () => {
    const d = run({ ...adult, to_hospital_directly_for_treatment: 'yes', work_factor: 'unknown' });
    expect(get(d, 'riddor')?.level).toBe('consult');
    expect(get(d, 'riddor')?.reason).toMatch(/^Not sure/);
  });
  it('during care unclear after a confirmed serious injury: CQC still required (≠ no)', () => {
    check({ ...adult, injury: 'serious_confirmed', during_regulated_activity: 'unclear' }, { cqc_notification: 'required' });
  });
  it('alleged source not known: safeguarding stays required (no low-level exception on a doubt)', () => {
    check({ ...abuse, abuse_category: ['physical'], alleged_source: 'unknown', injury: 'minor' }, { safeguarding_adults: 'required' }, 'E1');
  });
  it('self-neglect with serious risk not known: consult rather than not_needed', () => {
    check({ ...adult, abuse_category: ['self_neglect'], capacity: 'has', self_neglect_serious_risk: 'unknown' }, { safeguarding_adults: 'consult' });
  });
});

describe('found in a blind review of the rules (60 scenarios written from the table)', () => {
  it('abuse months ago during care is still reported (E0, E1, E3); only earlier-life abuse goes to E14 alone', () => {
    const during = { ...abuse, abuse_category: ['financial_material'], alleged_source: 'family_or_partner', crime: 'theft_fraud', crime_timing: 'non_recent', capacity: 'lacks', during_regulated_activity: 'yes' };
    check(during, { safeguarding_adults: 'required', cqc_notification: 'required', police_101: 'required' }, 'E0');
    const staff = { ...abuse, abuse_category: ['physical'], alleged_source: 'staff_or_volunteer', crime: 'assault', crime_timing: 'non_recent', during_regulated_activity: 'yes' };
    check(staff, { cqc_notification: 'required', police_101: 'required' }, 'E3');
    // Abuse from before the service, by someone with no access now: E14 stays in charge.
    const before = { ...abuse, abuse_category: ['physical'], alleged_source: 'other_known_person', crime: 'assault', crime_timing: 'non_recent', during_regulated_activity: 'no', abuser_has_access_to_adults_at_risk: 'no' };
    check(before, { police_101: 'recommended', safeguarding_adults: 'recommended' });
  });
  it('G6 a child abused with no child concern chosen: children\'s safeguarding (now when recent sexual), CQC for a child service user', () => {
    const d = check(
      { subject_age: 'child', abuse_suspected: 'yes', abuse_category: ['sexual'], crime: 'sexual_offence', crime_timing: 'now_or_within_hours', during_regulated_activity: 'yes' },
      { childrens_safeguarding: 'required', cqc_notification: 'required', safeguarding_adults: 'not_needed' },
      'G6',
    );
    expect(get(d, 'childrens_safeguarding')?.timing).toBe('now');
    expect(get(run({ subject_age: 'child', abuse_suspected: 'yes', abuse_category: ['physical'], during_regulated_activity: 'no' }), 'childrens_safeguarding')?.timing).toBe('urgent_hours');
  });
  it('A3 a DNACPR answered no or not known calls the ambulance even without the found-unresponsive key', () => {
    check({ ...adult, dnacpr_or_respect: 'no' }, { ambulance: 'required' }, 'A3');
    check({ ...adult, dnacpr_or_respect: 'unknown' }, { ambulance: 'required' }, 'A3');
    check({ ...adult }, { ambulance: 'not_needed' });
  });
  it('staff harming a child service user during care: CQC, and the manager now', () => {
    const d = check(
      { subject_age: 'child', abuse_suspected: 'yes', abuse_category: ['physical'], alleged_source: 'staff_or_volunteer', child_concern: 'worker_allegation_re_child', subject_works_with_children: 'yes', during_regulated_activity: 'yes', crime: 'assault' },
      { cqc_notification: 'required', lado: 'required', oncall_manager: 'required' },
    );
    expect(get(d, 'oncall_manager')?.timing).toBe('now');
  });
  it('G1 a child alone or in danger now: the referral is now, not within hours', () => {
    expect(get(run({ child_concern: 'child_at_risk', child_alone_or_in_danger: 'yes' }), 'childrens_safeguarding')?.timing).toBe('now');
    expect(get(run({ child_concern: 'child_at_risk' }), 'childrens_safeguarding')?.timing).toBe('urgent_hours');
  });
  it('a kind of abuse named with "abuse suspected" left out is taken as suspected; an explicit no stands', () => {
    check({ ...adult, abuse_category: ['physical'], alleged_source: 'staff_or_volunteer' }, { cqc_notification: 'required', safeguarding_adults: 'required', oncall_manager: 'required' }, 'E2');
    check({ ...adult, abuse_suspected: 'no', abuse_category: ['physical'] }, { cqc_notification: 'not_needed' });
    check({ ...adult, abuse_category: ['none'] }, { cqc_notification: 'not_needed' });
  });
  it('E3 consent unsafe to ask: the police report is required (section 4: share and record why)', () => {
    check({ ...abuse, abuse_category: ['modern_slavery'], crime: 'exploitation', capacity: 'has', consent: 'unsafe_to_ask' }, { police_101: 'required' }, 'E3');
  });
});

describe('merging, status and advice', () => {
  it('shows the reason of the most urgent output among equal levels', () => {
    const d = run({ ...abuse, abuse_category: ['physical'], alleged_source: 'staff_or_volunteer' });
    expect(get(d, 'oncall_manager')?.reason).toMatch(/decide now/);
  });
  it('keeps the highest level and earliest timing per code, with every rule id', () => {
    const d = run({ ...abuse, abuse_category: ['physical'], alleged_source: 'staff_or_volunteer', immediate_life_risk: 'yes' });
    const m = get(d, 'oncall_manager')!;
    expect(m.level).toBe('required');
    expect(m.timing).toBe('now');
    expect(m.rules).toEqual(expect.arrayContaining(['A1', 'E0', 'E2', 'I1']));
    expect(m.sources.some((s) => s.startsWith('DR '))).toBe(true);
    expect(m.sources.some((s) => s.startsWith('http'))).toBe(true);
  });
  it('sorts by level then timing, and leaves out not_needed codes', () => {
    const d = run({ ...adult, head_injury: 'yes', anticoag_or_antiplatelet: 'yes' });
    const order = ['required', 'consult', 'conditional', 'recommended'];
    const levels = d.escalations.map((e) => order.indexOf(e.level));
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(d.escalations[0]?.code).toBe('ambulance');
    expect(d.escalations.some((e) => e.level === 'not_needed')).toBe(false);
  });
  it('actions_taken marks codes done and drops the matching 999 advice', () => {
    const d = run({ ...adult, immediate_life_risk: 'yes', actions_taken: ['ambulance'] });
    expect(get(d, 'ambulance')?.status).toBe('done');
    expect(get(d, 'oncall_manager')?.status).toBe('open');
    expect(d.advice.join(' ')).not.toMatch(/ask for an ambulance/);
  });
  it('advice is de-duplicated and safety first', () => {
    const d = run({ ...abuse, abuse_category: ['sexual'], alleged_source: 'staff_or_volunteer', crime: 'sexual_offence', crime_timing: 'now_or_within_hours', ongoing_danger: 'yes' });
    expect(new Set(d.advice).size).toBe(d.advice.length);
    expect(d.advice[0]).toMatch(/^Call 999 now and ask for the police/);
    expect(d.advice.indexOf(d.advice.find((a) => /Do not alert/.test(a))!)).toBeGreaterThan(d.advice.findIndex((a) => /Preserve evidence/.test(a)));
  });
  it('an empty answer set decides nothing', () => {
    expect(run({})).toEqual({ escalations: [], advice: [] });
  });
});

describe('seed operational examples (shared/seed/multi-agency-escalation.txt)', () => {
  it('unexplained bruising: safeguarding and health professionals, evidence kept', () => {
    const d = check(
      { ...abuse, abuse_category: ['physical'], alleged_source: 'unknown', crime: 'unclear', injury: 'minor' },
      { safeguarding_adults: 'required', gp_or_health: 'recommended' },
    );
    expect(d.advice.join(' ')).toMatch(/Preserve evidence/);
  });
  it('suicidal intent: crisis mental health and on-call manager, emergency responders conditional', () => {
    check(
      { ...adult, mh_crisis: 'plan_or_intent', capacity: 'has', consent: 'given' },
      { crisis_mental_health: 'required', oncall_manager: 'required', ambulance: 'conditional', emergency_999: 'conditional', safeguarding_adults: 'not_needed' },
    );
  });
  it('assault allegation: police and safeguarding, commissioner told', () => {
    check(
      { ...abuse, abuse_category: ['physical'], alleged_source: 'other_known_person', crime: 'assault', crime_timing: 'days', consent: 'given' },
      { police_101: 'required', safeguarding_adults: 'required', commissioner: 'recommended' },
    );
  });
});

describe('validateAnswers', () => {
  it('fills defaults and keeps lists', () => {
    const a = validateAnswers({ abuse_category: ['physical'], actions_taken: ['ambulance'] }, rules);
    expect(a.immediate_life_risk).toBe('no');
    expect(a.injury).toBe('none');
    expect(a.consent).toBe('na');
    expect(a.capacity).toBe('has');
    expect(a.abuse_category).toEqual(['physical']);
    expect(a.actions_taken).toEqual(['ambulance']);
    expect('setting' in a).toBe(false);
  });
  it('accepts a single string for a multi-valued key', () => {
    expect(validateAnswers({ abuse_category: 'domestic' }, rules).abuse_category).toEqual(['domestic']);
  });
  it('names an unknown key', () => {
    expect(() => validateAnswers({ injjury: 'minor' }, rules)).toThrow(/unknown key "injjury"/);
  });
  it('names an unknown value and its key', () => {
    expect(() => validateAnswers({ injury: 'bad' }, rules)).toThrow(AnswerError);
    expect(() => validateAnswers({ injury: 'bad' }, rules)).toThrow(/unknown value "bad" for "injury"/);
    expect(() => validateAnswers({ abuse_category: ['physical', 'rude'] }, rules)).toThrow(/"rude" for "abuse_category"/);
    expect(() => validateAnswers({ actions_taken: ['taxi'] }, rules)).toThrow(/"taxi" for "actions_taken"/);
  });
  it('rejects non-objects and non-string values', () => {
    expect(() => validateAnswers([], rules)).toThrow(/JSON object/);
    expect(() => validateAnswers(null, rules)).toThrow(/JSON object/);
    expect(() => validateAnswers({ head_injury: true }, rules)).toThrow(/head_injury/);
  });
});
