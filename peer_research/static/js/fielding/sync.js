// Send finished and stopped interviews to the server (POST /api/v1/studies/<slug>/interviews)
// and delete each one only when its own receipt says the server has it. Sends when asked,
// when the app opens and when the connection comes back; after a failure it tries again by
// itself, waiting longer each time (2 s, 4 s, 8 s ... up to a minute).
import { deleteInterview, interviewsOf, isQueued, putInterview, putSetting } from './store.js'

const KEPT = new Set(['accepted', 'already_received'])
const FIRST_WAIT = 2000
const LONGEST_WAIT = 60000
const BATCH = 20

/** What the server is sent for one interview (the sync API's contract). */
export function payloadOf (record) {
  return {
    uuid: record.uuid,
    version_id: record.version_id,
    language: record.language,
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
    const queued = (await interviewsOf(this.settings.owner, this.settings.study)).filter(isQueued)
    if (!queued.length) {
      this.failures = 0
      this.tell('idle')
      return
    }
    if (!navigator.onLine) { // the 'online' event sends them when the connection is back
      this.tell('offline')
      return
    }
    this.tell('sending')
    try {
      if (this.staleToken) {
        const fresh = await this.refreshToken()
        if (fresh === 'sign_in') return this.tell('sign_in')
        this.staleToken = !fresh
      }
      for (let start = 0; start < queued.length; start += BATCH) {
        const answer = await this.post(queued.slice(start, start + BATCH))
        if (answer === 'sign_in') {
          this.tell('sign_in')
          return
        }
      }
      this.failures = 0
      await putSetting(this.lastSentKey(), new Date().toISOString())
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

  /** Send one batch and act on each receipt; return 'sign_in' when the sign-in has ended. */
  async post (records, again = true) {
    const address = `${this.settings.api}/studies/${encodeURIComponent(this.settings.study)}/interviews`
    const response = await fetch(address, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': this.token() },
      body: JSON.stringify({ interviews: records.map(payloadOf) })
    })
    if (response.status === 401) return 'sign_in'
    if ((response.status === 400 || response.status === 403) && again) {
      const fresh = await this.refreshToken()
      if (fresh === 'sign_in') return 'sign_in'
      if (fresh) return this.post(records, false)
    }
    if (!response.ok) throw new Error(`The server answered ${response.status}`)
    const { receipts = [] } = await response.json()
    const byUuid = new Map(receipts.map(receipt => [receipt.uuid, receipt]))
    for (const record of records) {
      const receipt = byUuid.get(record.uuid)
      if (!receipt) continue // not acknowledged: it stays and is sent again
      if (KEPT.has(receipt.outcome)) {
        await deleteInterview(record.uuid)
      } else {
        record.outcome = {
          outcome: receipt.outcome,
          message: receipt.message || '',
          received_at: receipt.received_at || new Date().toISOString()
        }
        await putInterview(record)
      }
    }
    return 'sent'
  }
}
