// Send what the tablet holds to the server: first the interviewer's requests to talk to
// someone (POST /api/v1/studies/<slug>/reach-out, one at a time) and their check-ins and
// debriefs (POST .../check-ins), then the consents taken on it (POST .../consents), then the
// finished and stopped interviews (POST .../interviews), so that an interview's consent is
// there before it; and keep the pool of participant codes for new participants topped up
// (POST .../participant-codes). Each record is deleted only when its own receipt says the
// server has it. Sends when asked, when the app opens and when the connection comes back;
// after a failure it tries again by itself, waiting longer each time (2 s, 4 s, 8 s ... up to
// a minute).
import {
  addCodes, checkInsOf, codePool, consentsOf, deleteCheckIn, deleteConsent, deleteInterview,
  deleteReachOut, getSetting, interviewsOf, isConsentQueued, isQueued, putCheckIn, putConsent,
  putInterview, putReachOut, putSetting, reachOutsOf
} from './store.js'

const KEPT = new Set(['accepted', 'already_received'])
const FIRST_WAIT = 2000
const LONGEST_WAIT = 60000
const BATCH = 20
const FEW_CODES = 5 // top the pool up when fewer are left
const FULL_POOL = 10
const COPIES_KEPT_FOR = 7 * 24 * 3600 * 1000 // the home links to copies for a week

/** What the server is sent for one interview (the sync API's contract). */
export function payloadOf (record) {
  return {
    uuid: record.uuid,
    version_id: record.version_id,
    language: record.language,
    participant_code: record.participant_code,
    consent_uuid: record.consent_uuid || null,
    started_at: record.started_at,
    finished_at: record.finished_at,
    status: record.status,
    stop_reason: record.status === 'stopped' ? record.stop_reason : null,
    stop_note: record.stop_note || '',
    answers: record.answers,
    repeats: record.repeats,
    notes: record.notes,
    // Skipped on purpose (the distress protocol): the question's name, in a repeat too.
    skipped: (record.skipped || []).map(field => field.split('.').pop())
  }
}

/** What the server is sent for one consent: its details stay sealed. */
export function consentPayloadOf (record) {
  return {
    uuid: record.uuid,
    form_version_id: record.form_version_id,
    language: record.language,
    method: record.method,
    participant_code: record.participant_code,
    answers: record.answers,
    given_at: record.given_at,
    identifiable: record.identifiable
  }
}

/** What the server is sent for one check-in or debrief (the interviewer's own, by uuid). */
export function checkInPayloadOf (record) {
  return {
    uuid: record.uuid,
    kind: record.kind,
    interview_uuid: record.interview_uuid || null,
    given_at: record.given_at,
    answers: record.answers,
    note: record.note || ''
  }
}

/** Return what waits to send: requests to talk to someone, check-ins, consents, interviews
(a record the server refused stays, with its word on it, and is not sent again). */
export async function waitingToSend ({ owner, study }) {
  return {
    reachOuts: (await reachOutsOf(owner, study)).filter(record => !record.outcome),
    checkIns: (await checkInsOf(owner, study)).filter(record => !record.outcome),
    consents: (await consentsOf(owner, study)).filter(isConsentQueued),
    interviews: (await interviewsOf(owner, study)).filter(isQueued)
  }
}

const copiesKey = settings => `copies:${settings.owner}:${settings.study}`

/** Return the consents the server has acknowledged lately ({uuid, code, at}), newest first:
the home links to each participant's copy for a while. */
export async function recentCopies (settings) {
  const since = Date.now() - COPIES_KEPT_FOR
  return ((await getSetting(copiesKey(settings))) || []).filter(copy => Date.parse(copy.at) > since)
}

async function rememberCopy (settings, record) {
  const copies = (await recentCopies(settings)).filter(copy => copy.uuid !== record.uuid)
  copies.unshift({ uuid: record.uuid, code: record.participant_code, at: new Date().toISOString() })
  await putSetting(copiesKey(settings), copies)
}

export class Sync {
  /** settings: owner, study, api, home; onChange(state) is told each change of state. */
  constructor (settings, onChange) {
    this.settings = settings
    this.onChange = onChange
    this.state = { name: 'idle' }
    this.failures = 0
    this.timer = null
    this.running = null
    // A page shown from the tablet's cache may carry an old CSRF token (or a sign-in that
    // has ended): ask for a fresh one before sending from it.
    this.staleToken = !navigator.onLine
    window.addEventListener('offline', () => { this.staleToken = true })
    window.addEventListener('online', () => this.send())
    // Back to this tab (e.g. after signing in again in another one): try again.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.send()
    })
  }

  lastSentKey () {
    return `last-sent:${this.settings.owner}:${this.settings.study}`
  }

  tell (name, extra = {}) {
    this.state = { name, ...extra }
    this.onChange(this.state)
  }

  /** Send the queue now (one run at a time; a second call waits for the first). */
  send () {
    if (!this.running) {
      clearTimeout(this.timer)
      this.running = this.run().finally(() => { this.running = null })
    }
    return this.running
  }

  async run () {
    const { owner, study } = this.settings
    const { reachOuts, checkIns, consents, interviews: queued } = await waitingToSend(this.settings)
    const fewCodes = (await codePool(owner, study)).length < FEW_CODES
    const anything = reachOuts.length + checkIns.length + consents.length + queued.length > 0
    if (!anything && !fewCodes) {
      this.failures = 0
      this.tell('idle')
      return
    }
    if (!navigator.onLine) { // the 'online' event sends them when the connection is back
      this.tell(anything ? 'offline' : 'idle')
      return
    }
    this.tell(anything ? 'sending' : 'idle')
    try {
      if (this.staleToken) {
        const fresh = await this.refreshToken()
        if (fresh === 'sign_in') return this.tell('sign_in')
        this.staleToken = !fresh
      }
      const steps = [
        // A pool that cannot be topped up now does not hold back what waits to be sent.
        ...(fewCodes ? [() => this.topUpCodes().catch(error => console.warn(error.message))] : []),
        // Someone asking for support comes first; then the interviewer's check-ins.
        ...reachOuts.map(record => () => this.postReachOut(record)),
        ...batches(checkIns).map(batch => () => this.postCheckIns(batch)),
        // Consents first: an interview is accepted only once its participant's consent is in.
        ...batches(consents).map(batch => () => this.postConsents(batch)),
        ...batches(queued).map(batch => () => this.post(batch))
      ]
      for (const step of steps) {
        if (await step() === 'sign_in') return this.tell('sign_in')
      }
      this.failures = 0
      if (anything) {
        await putSetting(this.lastSentKey(), new Date().toISOString())
      }
      this.tell('idle')
    } catch (error) {
      this.retryLater(error)
    }
  }

  retryLater (error) {
    const wait = Math.min(LONGEST_WAIT, FIRST_WAIT * 2 ** this.failures)
    this.failures += 1
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.send(), wait)
    this.tell(navigator.onLine ? 'retrying' : 'offline', { seconds: Math.round(wait / 1000), error })
  }

  token () {
    return document.querySelector('meta[name="csrf-token"]')?.content || ''
  }

  /** Get a fresh CSRF token from the home page: true, false, or 'sign_in' when signed out. */
  async refreshToken () {
    const response = await fetch(this.settings.home, { credentials: 'same-origin', cache: 'no-store' })
    if (response.redirected && new URL(response.url).pathname !== this.settings.home) return 'sign_in'
    if (!response.ok) return false
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const token = page.querySelector('meta[name="csrf-token"]')?.content
    const meta = document.querySelector('meta[name="csrf-token"]')
    if (!token || !meta) return false
    meta.content = token
    return true
  }

  /** POST JSON to the sync API; return the response, or 'sign_in' when the sign-in has
  ended. A refused token (a page kept from before) is refreshed once and the call repeated. */
  async postJson (path, body, again = true, refusals = false) {
    const address = `${this.settings.api}/studies/${encodeURIComponent(this.settings.study)}/${path}`
    const response = await fetch(address, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': this.token() },
      body: JSON.stringify(body)
    })
    if (response.status === 401) return 'sign_in'
    if ((response.status === 400 || response.status === 403) && again) {
      const fresh = await this.refreshToken()
      if (fresh === 'sign_in') return 'sign_in'
      if (fresh) return this.postJson(path, body, false, refusals)
    }
    // A refusal (4xx) is the caller's to keep with the record, when it asks for it.
    if (refusals && response.status >= 400 && response.status < 500) return response
    if (!response.ok) throw new Error(`The server answered ${response.status}`)
    return response
  }

  /** Ask the server for participant codes for new participants, and keep them. */
  async topUpCodes () {
    const { owner, study } = this.settings
    const count = FULL_POOL - (await codePool(owner, study)).length
    if (count <= 0) return 'sent'
    const response = await this.postJson('participant-codes', { count })
    if (response === 'sign_in') return response
    const { codes = [] } = await response.json()
    await addCodes(owner, study, codes)
    this.onChange(this.state) // the home says how many codes it holds
    return 'sent'
  }

  /** Send one batch of consents; delete each the server has, and remember it for its copy. */
  async postConsents (records) {
    const response = await this.postJson('consents', { consents: records.map(consentPayloadOf) })
    if (response === 'sign_in') return response
    await this.settle(records, await response.json(), async record => {
      await deleteConsent(record.uuid)
      await rememberCopy(this.settings, record)
    }, putConsent)
    return 'sent'
  }

  /** Send one request to talk to someone; delete it once the server has it (201, or 200 for
  one it already had), keep it with the server's word when refused. */
  async postReachOut (record) {
    const body = { uuid: record.uuid, at: record.at, message: record.message || '' }
    const response = await this.postJson('reach-out', body, true, true)
    if (response === 'sign_in') return response
    if (response.ok) {
      await deleteReachOut(record.uuid)
    } else {
      const problem = await response.json().catch(() => ({}))
      record.outcome = { outcome: 'refused', message: problem.detail || '' }
      await putReachOut(record)
    }
    return 'sent'
  }

  /** Send one batch of check-ins and debriefs and act on each receipt. */
  async postCheckIns (records) {
    const response = await this.postJson('check-ins', { check_ins: records.map(checkInPayloadOf) })
    if (response === 'sign_in') return response
    await this.settle(records, await response.json(), record => deleteCheckIn(record.uuid), putCheckIn)
    return 'sent'
  }

  /** Send one batch of interviews and act on each receipt. */
  async post (records) {
    const response = await this.postJson('interviews', { interviews: records.map(payloadOf) })
    if (response === 'sign_in') return response
    await this.settle(records, await response.json(), record => deleteInterview(record.uuid),
      putInterview)
    return 'sent'
  }

  /** Delete what the server acknowledged; keep the rest with the server's word on it. */
  async settle (records, { receipts = [] }, forget, keep) {
    const byUuid = new Map(receipts.map(receipt => [receipt.uuid, receipt]))
    for (const record of records) {
      const receipt = byUuid.get(record.uuid)
      if (!receipt) continue // not acknowledged: it stays and is sent again
      if (KEPT.has(receipt.outcome)) {
        await forget(record)
      } else {
        record.outcome = {
          outcome: receipt.outcome,
          message: receipt.message || '',
          received_at: receipt.received_at || new Date().toISOString()
        }
        await keep(record)
      }
    }
  }
}

function batches (records) {
  const found = []
  for (let start = 0; start < records.length; start += BATCH) found.push(records.slice(start, start + BATCH))
  return found
}
