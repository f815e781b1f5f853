// The tablet's store: IndexedDB, one record per interview, written as each answer is given,
// one record per consent taken on the tablet (its identifiable details sealed by seal.js
// before they get here: a consent record holds no name in clear text), and the interviewer's
// own wellbeing: check-ins and debriefs, and "I'd like to talk to someone". Every record
// carries its owner (the interviewer's user id) and study, and every read filters by them,
// so two interviewers sharing a tablet never see each other's interviews or consents. A
// record is deleted only when the server has acknowledged it.

const NAME = 'peer-research-fielding'
const VERSION = 3
const INTERVIEWS = 'interviews'
const SETTINGS = 'settings'
const CONSENTS = 'consents'
const CHECK_INS = 'check_ins' // check-ins and debriefs
const REACH_OUTS = 'reach_outs' // "I'd like to talk to someone", waiting to send

let opening = null

/** Create what each version of the database added, keeping what older versions hold. */
function upgrade (db, oldVersion) {
  if (oldVersion < 1) {
    const interviews = db.createObjectStore(INTERVIEWS, { keyPath: 'uuid' })
    interviews.createIndex('owner_study', ['owner', 'study'])
    db.createObjectStore(SETTINGS, { keyPath: 'key' })
  }
  if (oldVersion < 2) { // the consent step: consents waiting to send
    const consents = db.createObjectStore(CONSENTS, { keyPath: 'uuid' })
    consents.createIndex('owner_study', ['owner', 'study'])
  }
  if (oldVersion < 3) { // wellbeing: check-ins, debriefs and reach-outs waiting to send
    for (const name of [CHECK_INS, REACH_OUTS]) {
      db.createObjectStore(name, { keyPath: 'uuid' }).createIndex('owner_study', ['owner', 'study'])
    }
  }
}

/** Open the database (once), creating or upgrading its stores. */
export function openStore () {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION)
      request.onupgradeneeded = event => upgrade(request.result, event.oldVersion)
      request.onsuccess = () => {
        const db = request.result
        db.onversionchange = () => db.close() // a newer app in another tab: let it upgrade
        resolve(db)
      }
      request.onerror = () => reject(request.error)
      request.onblocked = () => reject(new Error('The interview store is open in an older tab.'))
    })
  }
  return opening
}

/** Run one transaction on a store; resolve with what `work` returned, once it is committed. */
async function transact (storeName, mode, work) {
  const db = await openStore()
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(storeName, mode)
    let result
    const request = work(transaction.objectStore(storeName))
    if (request) request.onsuccess = () => { result = request.result }
    transaction.oncomplete = () => resolve(result)
    transaction.onerror = () => reject(transaction.error)
    transaction.onabort = () => reject(transaction.error || new Error('The tablet did not save.'))
  })
}

/** Return an interview of this owner by its uuid, or null (also when it is someone else's). */
export async function getInterview (owner, uuid) {
  const record = await transact(INTERVIEWS, 'readonly', store => store.get(uuid))
  return record && record.owner === owner ? record : null
}

/** Write an interview; resolves once it is safely stored. */
export function putInterview (record) {
  record.updated_at = new Date().toISOString()
  return transact(INTERVIEWS, 'readwrite', store => store.put(record))
}

/** Return this owner's interviews in a study, oldest first. */
export async function interviewsOf (owner, study) {
  const records = await transact(INTERVIEWS, 'readonly',
    store => store.index('owner_study').getAll([owner, study]))
  return (records || []).sort((a, b) => a.started_at.localeCompare(b.started_at))
}

/** Delete an interview (only after the server acknowledged it). */
export function deleteInterview (uuid) {
  return transact(INTERVIEWS, 'readwrite', store => store.delete(uuid))
}

/** Return a stored setting (e.g. when the queue last sent), or null. */
export async function getSetting (key) {
  const row = await transact(SETTINGS, 'readonly', store => store.get(key))
  return row ? row.value : null
}

/** Store a setting. */
export function putSetting (key, value) {
  return transact(SETTINGS, 'readwrite', store => store.put({ key, value }))
}

/** Tell whether an interview waits in the send queue: finished or stopped, and not refused
(one that waits for its participant's consent to arrive is sent again). */
export const isQueued = record =>
  (record.status === 'complete' || record.status === 'stopped') &&
  (!record.outcome || record.outcome.outcome === 'needs_consent')

/** Return a new random (version 4) UUID. */
export function newUuid () {
  if (crypto.randomUUID) return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map(byte => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// --- consents and participant codes ---------------------------------------------------------

const codesKey = (owner, study) => `codes:${owner}:${study}`

/** Return this owner's consents in a study (sealed), oldest first. */
export async function consentsOf (owner, study) {
  const records = await transact(CONSENTS, 'readonly',
    store => store.index('owner_study').getAll([owner, study]))
  return (records || []).sort((a, b) => a.given_at.localeCompare(b.given_at))
}

/** Write a consent record (its details already sealed). */
export function putConsent (record) {
  return transact(CONSENTS, 'readwrite', store => store.put(record))
}

/** Delete a consent record (only after the server acknowledged it). */
export function deleteConsent (uuid) {
  return transact(CONSENTS, 'readwrite', store => store.delete(uuid))
}

/** Tell whether a consent waits to be sent (not refused). */
export const isConsentQueued = record => !record.outcome

/** Return the participant codes this tablet holds for new participants, in order. */
export async function codePool (owner, study) {
  return (await getSetting(codesKey(owner, study))) || []
}

/** Add codes the server reserved for this interviewer to the end of the pool. */
export async function addCodes (owner, study, codes) {
  const pool = await codePool(owner, study)
  await putSetting(codesKey(owner, study), [...pool, ...codes.filter(code => !pool.includes(code))])
}

/** Store a consent and, for a new participant, take the next code from the pool, in one
transaction: a code is never given twice, and never lost without its consent. Resolves with
the record as stored; rejects when a new participant is asked for and the pool is empty. */
export async function saveConsent (record, takeCode) {
  const db = await openStore()
  return new Promise((resolve, reject) => {
    const transaction = db.transaction([CONSENTS, SETTINGS], 'readwrite')
    const settings = transaction.objectStore(SETTINGS)
    const write = () => transaction.objectStore(CONSENTS).put(record)
    if (takeCode) {
      const key = codesKey(record.owner, record.study)
      const read = settings.get(key)
      read.onsuccess = () => {
        const pool = read.result ? read.result.value : []
        if (!pool.length) {
          transaction.abort()
          return
        }
        record.participant_code = pool[0]
        settings.put({ key, value: pool.slice(1) })
        write()
      }
    } else {
      write()
    }
    transaction.oncomplete = () => resolve(record)
    transaction.onerror = () => reject(transaction.error)
    transaction.onabort = () => reject(transaction.error || new Error('no_codes'))
  })
}

/** Return a new interview's record. */
export function newInterview ({
  uuid, owner, study, versionId, versionNumber, title, language, page, participantCode, consentUuid
}) {
  return {
    uuid,
    owner,
    study,
    participant_code: participantCode,
    consent_uuid: consentUuid || null,
    version_id: versionId,
    version_number: versionNumber,
    title,
    language,
    page,
    started_at: new Date().toISOString(),
    finished_at: null,
    status: 'in_progress',
    stop_reason: null,
    stop_note: '',
    answers: {},
    repeats: {},
    notes: [],
    skipped: [],
    form: { fields: {}, instances: {} },
    screen: null,
    outcome: null
  }
}

// --- the interviewer's wellbeing ------------------------------------------------------------

/** Return this owner's check-ins and debriefs in a study, oldest first. */
export async function checkInsOf (owner, study) {
  const records = await transact(CHECK_INS, 'readonly',
    store => store.index('owner_study').getAll([owner, study]))
  return (records || []).sort((a, b) => a.given_at.localeCompare(b.given_at))
}

/** Write a check-in or debrief. */
export function putCheckIn (record) {
  return transact(CHECK_INS, 'readwrite', store => store.put(record))
}

/** Delete a check-in (only after the server acknowledged it). */
export function deleteCheckIn (uuid) {
  return transact(CHECK_INS, 'readwrite', store => store.delete(uuid))
}

/** Return this owner's "I'd like to talk to someone" requests that wait to send, oldest first. */
export async function reachOutsOf (owner, study) {
  const records = await transact(REACH_OUTS, 'readonly',
    store => store.index('owner_study').getAll([owner, study]))
  return (records || []).sort((a, b) => a.at.localeCompare(b.at))
}

/** Keep a request to talk to someone until the server has it. */
export function putReachOut (record) {
  return transact(REACH_OUTS, 'readwrite', store => store.put(record))
}

/** Delete a request to talk to someone (only once the server has it). */
export function deleteReachOut (uuid) {
  return transact(REACH_OUTS, 'readwrite', store => store.delete(uuid))
}
