// The threshold keys and their allowed values, copied from ../shared/domain/threshold-rules.md
// section 1, so a red-flags file that names a key or value the intake does not know is refused.

export const THRESHOLD_VALUES: Readonly<Record<string, readonly string[]>> = {
  immediate_life_risk: ['yes', 'no'],
  ongoing_danger: ['yes', 'no'],
  subject_age: ['adult', 'child', 'none'],
  setting: ['care_home', 'nursing_home', 'home_care', 'supported_living'],
  injury: ['none', 'minor', 'needs_assessment', 'serious_confirmed', 'serious_suspected'],
  to_hospital_directly_for_treatment: ['yes', 'no', 'unknown'],
  work_factor: ['yes', 'no', 'unknown'],
  injured_is_worker: ['yes', 'no'],
  worker_off_over_7_days: ['yes', 'no', 'unknown'],
  head_injury: ['yes', 'no'],
  anticoag_or_antiplatelet: ['yes', 'no', 'unknown'],
  death: ['no', 'expected', 'unexpected_natural', 'unexpected_suspicious'],
  dnacpr_or_respect: ['yes', 'no', 'unknown'],
  abuse_suspected: ['yes', 'no'],
  abuse_category: [
    'physical', 'domestic', 'sexual', 'psychological', 'financial_material', 'modern_slavery',
    'discriminatory', 'organisational', 'neglect_omission', 'self_neglect', 'none',
  ],
  alleged_source: [
    'staff_or_volunteer', 'another_service_user', 'family_or_partner', 'other_known_person',
    'unknown', 'self', 'organisation', 'none',
  ],
  care_support_needs: ['yes', 'no', 'unknown'],
  unable_to_protect: ['yes', 'no', 'unknown'],
  pattern: ['yes', 'no'],
  crime: ['none', 'unclear', 'assault', 'sexual_offence', 'theft_fraud', 'hate', 'exploitation', 'other'],
  crime_timing: ['na', 'now_or_within_hours', 'days', 'non_recent'],
  mh_crisis: ['none', 'distress_no_intent', 'thoughts_no_plan', 'plan_or_intent', 'harm_done'],
  missing: ['no', 'at_risk', 'whereabouts_known_late'],
  med_event: ['none', 'near_miss', 'error_no_harm', 'error_with_harm'],
  child_concern: [
    'none', 'child_at_risk', 'worker_allegation_re_child', 'adult_disclosing_childhood_abuse',
    'alleged_abuser_has_child_access',
  ],
  subject_works_with_children: ['yes', 'no', 'unknown'],
  capacity: ['has', 'lacks', 'unclear'],
  consent: ['given', 'refused', 'unsafe_to_ask', 'na'],
  coercion: ['yes', 'no', 'unknown'],
  risk_to_others: ['yes', 'no', 'unknown'],
  police_involved: ['yes', 'no'],
  during_regulated_activity: ['yes', 'no', 'unclear'],
  unintended_unexpected: ['yes', 'no', 'na'],
  hcp_harm_opinion: ['none', 'below_threshold', 'meets_threshold', 'pending'],
  service_disruption: ['none', 'staff_shortfall_unsafe', 'utility_over_24h', 'premises_damage', 'safety_system_failure'],
  dols_event: ['none', 'application_made', 'outcome_received', 'court_application'],
  relevant_person: ['service_user', 'lpa_deputy', 'family_best_interests', 'none'],
};

export function isThresholdValue(key: string, value: string): boolean {
  return THRESHOLD_VALUES[key]?.includes(value) ?? false;
}
