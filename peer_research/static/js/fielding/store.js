// The tablet's store of interviews: IndexedDB, one record per interview, written as each
// answer is given. Every record carries its owner (the interviewer's user id) and study, and
// every read filters by them, so two interviewers sharing a tablet never see each other's
// interviews. A record is deleted only when the server has acknowledged that interview.

const NAME = 'peer-research-fielding'
const INTERVIEWS = 'interviews'
const SETTINGS = 'settings'

let opening = null

/** Open the database (once), creating its stores the first time. */
export function openStore () {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 1)
      request.onupgradeneeded = () => {
        const db = request.result
        const interviews = db.createObjectStore(INTERVIEWS, { keyPath: 'uuid' })
        interviews.createIndex('owner_study', ['owner', 'study'])
        db.createObjectStore(SETTINGS, { keyPath: 'key' })
      }
      request.onsuccess = () => resolve(request.result)
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

/** Tell whether an interview waits in the send queue (finished or stopped, not refused). */
export const isQueued = record =>
  (record.status === 'complete' || record.status === 'stopped') && !record.outcome

/** Return a new interview's record. */
export function newInterview ({ uuid, owner, study, versionId, versionNumber, title, language, page }) {
  return {
    uuid,
    owner,
    study,
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
