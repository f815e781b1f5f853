// One visit on the tablet runs check-in → consent → interview → debrief. This module chains
// the steps: the home chooses who is taking part and begins the visit; the consent step runs
// when the participant has no consent on the current form version; then the interview starts
// with the participant's code (and the consent just taken). The check-in (before the consent)
// and the debrief (after the interview) come with the wellbeing issue: they are steps to add
// here, between `beginVisit` and `openInterview`.
//
// The visit being prepared is kept in the store's settings (no names: a participant code at
// most), so that the consent page, kept offline, can pick it up from its address's #fragment.
import { getInterview, getSetting, newInterview, newUuid, putInterview, putSetting } from './store.js'

const visitKey = settings => `visit:${settings.owner}:${settings.study}`

/**
 * Begin a visit and return the address of its first step.
 * visit: {participant: {code (null for someone new), needsConsent}, consentPage,
 *         interview: {versionId, versionNumber, title, page, language}, resume (a uuid, to
 *         go on with an interview that has no participant yet)}
 */
export async function beginVisit (settings, visit) {
  const started = { ...visit, id: newUuid(), consentUuid: null }
  if (started.participant.needsConsent) {
    await putSetting(visitKey(settings), started)
    return `${started.consentPage}#${started.id}`
  }
  return openInterview(settings, started)
}

/** Return the visit an address's #fragment names, or null (none, or someone else's). */
export async function visitOf (settings, id) {
  const visit = await getSetting(visitKey(settings))
  return visit && id && visit.id === id ? visit : null
}

/** Note that the participant consented (their code, the consent's uuid). */
export function consentTaken (settings, visit, { code, consentUuid }) {
  visit.participant = { ...visit.participant, code, needsConsent: false }
  visit.consentUuid = consentUuid
  return putSetting(visitKey(settings), visit)
}

/** Forget a visit that ended before its interview (the person did not agree). */
export function endVisit (settings) {
  return putSetting(visitKey(settings), null)
}

/** Start (or go on with) the visit's interview, carrying the participant's code and
consent; return the interview's address. */
export async function openInterview (settings, visit) {
  const { owner, study } = settings
  const kept = visit.resume ? await getInterview(owner, visit.resume) : null
  const record = kept || newInterview({
    uuid: newUuid(),
    owner,
    study,
    ...visit.interview
  })
  record.participant_code = visit.participant.code
  record.consent_uuid = visit.consentUuid || record.consent_uuid || null
  await putInterview(record)
  await endVisit(settings)
  return `${record.page}#${record.uuid}`
}
