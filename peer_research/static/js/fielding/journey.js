// One visit on the tablet runs check-in → consent → interview → debrief. This module chains
// the steps: the home chooses who is taking part and begins the visit with the interviewer's
// check-in (how they feel before it); the consent step runs when the participant has no
// consent on the current form version; then the interview starts with the participant's code
// (and the consent just taken). Finishing or stopping the interview leads to the debrief (how
// the interviewer feels after it), which names the interview by its uuid.
//
// The visit being prepared is kept in the store's settings (no names: a participant code at
// most), so that the check-in and consent pages, kept offline, can pick it up from their
// address's #fragment. The interviews begun each day are counted here too, for the
// interviewer's own daily limit (a reminder, never a block).
import { getInterview, getSetting, newInterview, newUuid, putInterview, putSetting } from './store.js'

const visitKey = settings => `visit:${settings.owner}:${settings.study}`

/**
 * Begin a visit and return the address of its first step.
 * visit: {participant: {code (null for someone new), needsConsent}, consentPage,
 *         interview: {versionId, versionNumber, title, page, language}, resume (a uuid, to
 *         go on with an interview that has no participant yet)}
 */
export async function beginVisit (settings, visit) {
  // The interview's uuid is chosen now, so that the check-in can name its interview.
  const interviewUuid = visit.resume || newUuid()
  const started = { ...visit, id: newUuid(), interviewUuid, consentUuid: null, checkInUuid: null }
  await putSetting(visitKey(settings), started)
  return `${settings.checkIn}#${started.id}`
}

/** Note the visit's check-in; return the address of the next step (consent or interview). */
export async function checkedIn (settings, visit, checkInUuid) {
  visit.checkInUuid = checkInUuid
  if (visit.participant.needsConsent) {
    await putSetting(visitKey(settings), visit)
    return `${visit.consentPage}#${visit.id}`
  }
  return openInterview(settings, visit)
}

/** Return the debrief's address for an interview that has just finished or stopped. */
export const debriefOf = (settings, interviewUuid) => `${settings.debrief}#${interviewUuid}`

const todayKey = settings => `started-today:${settings.owner}:${settings.study}`
const today = () => new Date().toLocaleDateString('en-CA') // the tablet's own day, YYYY-MM-DD

/** Return how many interviews the interviewer has begun today on this tablet. */
export async function interviewsToday (settings) {
  const kept = await getSetting(todayKey(settings))
  return kept && kept.day === today() ? kept.uuids.length : 0
}

async function countStarted (settings, uuid) {
  const kept = await getSetting(todayKey(settings))
  const uuids = kept && kept.day === today() ? kept.uuids : []
  if (!uuids.includes(uuid)) await putSetting(todayKey(settings), { day: today(), uuids: [...uuids, uuid] })
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
    uuid: visit.interviewUuid || newUuid(),
    owner,
    study,
    ...visit.interview
  })
  record.participant_code = visit.participant.code
  record.consent_uuid = visit.consentUuid || record.consent_uuid || null
  await putInterview(record)
  if (!kept) await countStarted(settings, record.uuid)
  await endVisit(settings)
  return `${record.page}#${record.uuid}`
}
