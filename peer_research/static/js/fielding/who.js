// "Who is taking part?" (templates/surveys/fielding/_who.html), the first screen of a visit:
// someone new gets the next participant code the tablet holds (the consent step takes it),
// someone who took part before is found by their code. The study's consent bundle (in the
// home's settings, so it works offline) says whether they must consent again or have left the
// study; consents taken on this tablet since count as well. Then the visit begins (journey.js).
import { beginVisit } from './journey.js'
import { codePool, consentsOf } from './store.js'
import { recentCopies } from './sync.js'

const CODE = /^[ACDEFHJKMNPRTWXY34679]{6}$/

/** Return a typed code in its usual form (KT7M4C, kt7 m4c → KT7-M4C), or '' when it is not one. */
export function normalCode (typed) {
  const bare = typed.toUpperCase().replace(/[^A-Z0-9]/g, '')
  return CODE.test(bare) ? `${bare.slice(0, 3)}-${bare.slice(3)}` : ''
}

/** Return what the tablet knows of a participant: 'active', 'needs_reconsent', 'withdrawn' or
'unknown'. A consent taken on this tablet (waiting to send, or sent lately) makes them active,
unless the study has since recorded their withdrawal. */
export async function participantStatus (settings, code) {
  const listed = (settings.consent.participants || []).find(found => found.code === code)
  if (listed?.status === 'withdrawn') return 'withdrawn'
  const form = settings.consent.form
  const waiting = (await consentsOf(settings.owner, settings.study))
    .some(record => record.participant_code === code && !record.outcome &&
      record.form_version_id === form?.version_id)
  const sent = (await recentCopies(settings)).some(copy => copy.code === code)
  if (waiting || sent) return 'active'
  return listed ? listed.status : 'unknown'
}

/** Return the codes the tablet knows, for the list to choose from. */
async function knownCodes (settings) {
  const codes = (settings.consent.participants || [])
    .filter(found => found.status !== 'withdrawn').map(found => found.code)
  for (const record of await consentsOf(settings.owner, settings.study)) codes.push(record.participant_code)
  for (const copy of await recentCopies(settings)) codes.push(copy.code)
  return [...new Set(codes.filter(Boolean))].sort()
}

export class WhoIsTakingPart {
  /** root: the home's element; sync: the home's Sync (it tops up the codes when online). */
  constructor (root, settings, messages, sync) {
    Object.assign(this, { root, settings, messages, sync, interview: null, resume: null })
    this.panel = root.querySelector('[data-who]')
    this.main = root.querySelector('[data-home-main]')
    this.code = this.panel.querySelector('#who-code')
    this.panel.querySelector('[data-who-continue]').addEventListener('click', () => this.go())
    this.panel.querySelector('[data-who-cancel]').addEventListener('click', () => this.close())
    this.code.addEventListener('keydown', event => { if (event.key === 'Enter') this.go() })
    this.panel.addEventListener('change', () => this.revealCode())
  }

  /** Show the screen for an interview ({versionId, versionNumber, title, page, language});
  with `resume`, for an unfinished interview that has no participant yet. */
  async open (interview, resume = null) {
    this.interview = interview
    this.resume = resume
    this.showError(null)
    const known = await knownCodes(this.settings)
    this.panel.querySelector('[data-who-known]').replaceChildren(...known.map(code =>
      Object.assign(document.createElement('option'), { value: code })))
    this.main.hidden = true
    this.panel.hidden = false
    this.panel.querySelector('#who-title').focus()
  }

  /** Show the code's field only for someone who took part before. */
  revealCode () {
    const returning = this.panel.querySelector('#who-returning').checked
    this.panel.querySelector('[data-who-code-block]').hidden = !returning
  }

  close () {
    this.panel.hidden = true
    this.main.hidden = false
  }

  /** Say what is wrong beside the field (and at the top), or clear it with null. */
  showError (message, field = 'who') {
    const onCode = field === 'code'
    const line = this.panel.querySelector(onCode ? '[data-who-code-error]' : '[data-who-error]')
    for (const other of this.panel.querySelectorAll('[data-who-error], [data-who-code-error]')) {
      other.hidden = true
    }
    this.panel.querySelector('[data-who-group]').classList.toggle('govuk-form-group--error', Boolean(message) && !onCode)
    this.panel.querySelector('[data-who-code-group]').classList.toggle('govuk-form-group--error', Boolean(message) && onCode)
    this.code.classList.toggle('govuk-input--error', Boolean(message) && onCode)
    const summary = this.panel.querySelector('[data-who-summary]')
    summary.hidden = !message
    if (!message) return
    line.replaceChildren(Object.assign(document.createElement('span'),
      { className: 'govuk-visually-hidden', textContent: `${this.messages.error} ` }), message)
    line.hidden = false
    const link = summary.querySelector('[data-who-summary-link]')
    link.textContent = message
    link.setAttribute('href', onCode ? '#who-code' : '#who-new')
    summary.focus()
  }

  /** Check the choice and begin the visit: the consent step first, when it is needed. */
  async go () {
    const choice = this.panel.querySelector('input[name="who"]:checked')?.value
    if (!choice) return this.showError(this.messages.who_needed)
    let participant
    if (choice === 'new') {
      if (!(await this.haveCodes())) return this.showError(this.messages.no_codes)
      participant = { code: null, needsConsent: true }
    } else {
      const code = normalCode(this.code.value)
      if (!this.code.value.trim()) return this.showError(this.messages.code_needed, 'code')
      const status = code ? await participantStatus(this.settings, code) : 'unknown'
      if (status === 'unknown') return this.showError(this.messages.code_unknown, 'code')
      if (status === 'withdrawn') return this.showError(this.messages.code_withdrawn, 'code')
      participant = { code, needsConsent: status !== 'active' }
    }
    const form = this.settings.consent.form
    const pages = this.settings.consentPages
    location.assign(await beginVisit(this.settings, {
      participant,
      interview: this.interview,
      resume: this.resume,
      consentPage: pages[this.interview.language] || pages[form.languages[0]],
      formVersionId: form.version_id,
      key: this.settings.consent.key
    }))
  }

  /** Tell whether the tablet holds a code for someone new (asking for more when online). */
  async haveCodes () {
    const { owner, study } = this.settings
    if ((await codePool(owner, study)).length) return true
    if (navigator.onLine) await this.sync.send()
    return (await codePool(owner, study)).length > 0
  }
}
