// The consent step on the tablet (templates/surveys/fielding/consent.html), one screen at a
// time: how the person agrees, the information sheet (usual or easy read), each statement
// (a required one not agreed ends the step kindly, with nothing kept), their name, their
// contact details when they agreed to be contacted, the signature (or typed name, witness or
// consultee), then what they agreed to, and the interview. What identifies the person is
// sealed with the study's key (seal.js) before the consent is stored; the page's fields are
// emptied once it is.
import { seal } from './seal.js'
import { SignaturePad } from './signature.js'
import { newUuid, saveConsent } from './store.js'
import { consentTaken, endVisit, openInterview, visitOf } from './journey.js'
import { startTalk } from './talk.js'

const app = document.querySelector('[data-consent-app]')
const settings = JSON.parse(app.dataset.settings)
const messages = JSON.parse(app.dataset.messages)
const statementKeys = JSON.parse(app.dataset.statements)
const required = new Set(JSON.parse(app.dataset.required))
const recontact = JSON.parse(app.dataset.recontact)
const $ = selector => app.querySelector(selector)
const field = id => document.getElementById(id)
const screenOf = (name, key) => $(key ? `[data-screen="statement"][data-key="${CSS.escape(key)}"]`
  : `[data-screen="${name}"]`)
const pad = new SignaturePad(field('signature'))
const usualSignatureError = $('[data-error-for="signature"]').lastChild.textContent
const answers = {}
let visit = null
let method = null
let trail = [] // the screens shown, to go back through
let saving = false

for (const note of document.querySelectorAll('[data-no-script-note]')) note.hidden = true

// --- moving between screens ---------------------------------------------------------------------

/** Return the screens of this consent in order, as far as the answers so far decide them. */
function screens () {
  const list = [screenOf('method'), screenOf('sheet')]
  for (const key of statementKeys) {
    list.push(screenOf('statement', key))
    if (answers[key] === false && required.has(key)) return [...list, screenOf('declined')]
  }
  list.push(screenOf('name'))
  if (recontact.some(key => answers[key] === true)) list.push(screenOf('contact'))
  return [...list, screenOf('confirm'), screenOf('summary')]
}

function show (screen) {
  clearErrors()
  for (const other of app.querySelectorAll('[data-screen]')) other.hidden = other !== screen
  const languages = $('[data-consent-languages]')
  if (languages) languages.hidden = screen !== screenOf('method')
  $('[data-back]').hidden = trail.length === 0 || screen === screenOf('summary')
  if (screen === screenOf('confirm')) {
    for (const part of app.querySelectorAll('[data-method-part]')) part.hidden = part.dataset.methodPart !== method
    if (method === 'signature') pad.fit()
  }
  app.dataset.showing = screen.dataset.key ? `statement:${screen.dataset.key}` : screen.dataset.screen
  const heading = [...screen.querySelectorAll('[data-screen-heading]')].find(found => !found.closest('[hidden]'))
  heading?.focus()
  window.scrollTo(0, 0)
}

function current () {
  return app.querySelector('[data-screen]:not([hidden])')
}

/** Check the screen's answer; then show the next screen. */
function next () {
  const here = current()
  if (!check(here)) return
  const list = screens()
  const after = list[list.indexOf(here) + 1]
  trail.push(here)
  if (after === screenOf('declined')) endVisit(settings)
  show(after)
}

function back () {
  const before = trail.pop()
  if (before) show(before)
}

// --- errors beside the field and at the top -------------------------------------------------------

function clearErrors () {
  $('[data-error-summary]').hidden = true
  for (const line of app.querySelectorAll('[data-error-for]')) line.hidden = true
  for (const group of app.querySelectorAll('.govuk-form-group--error')) group.classList.remove('govuk-form-group--error')
  for (const input of app.querySelectorAll('.govuk-input--error')) input.classList.remove('govuk-input--error')
}

/** Show the errors ([id of the field, message id]) beside their fields and in the summary. */
function fail (...ids) {
  const links = ids.map(id => {
    const line = $(`[data-error-for="${id}"]`)
    line.hidden = false
    $(`[data-group="${id}"]`)?.classList.add('govuk-form-group--error')
    field(id)?.classList.toggle('govuk-input--error', field(id)?.classList.contains('govuk-input'))
    const item = document.createElement('li')
    const target = field(id) ? id : app.querySelector(`[data-group="${id}"] input`)?.id
    item.append(Object.assign(document.createElement('a'), {
      href: `#${target || id}`, textContent: line.textContent.replace(/^\s*\S+:\s*/, '').trim()
    }))
    return item
  })
  $('[data-error-list]').replaceChildren(...links)
  const summary = $('[data-error-summary]')
  summary.hidden = false
  summary.focus()
  return false
}

const value = id => field(id).value.trim()

/** Check what the screen asks; record the answer; say what is missing. */
function check (screen) {
  const kind = screen.dataset.screen
  if (kind === 'method') {
    method = app.querySelector('input[name="method"]:checked')?.value || null
    return method ? true : fail('method')
  }
  if (kind === 'statement') {
    const key = screen.dataset.key
    const chosen = screen.querySelector(`input[name="statement-${CSS.escape(key)}"]:checked`)?.value
    if (!chosen) return fail(`statement-${key}`)
    answers[key] = chosen === 'yes'
    return true
  }
  if (kind === 'name') return value('participant-name') ? true : fail('participant-name')
  if (kind === 'contact') {
    return ['contact-email', 'contact-phone', 'contact-address'].some(value) ? true : fail('contact-email')
  }
  return true
}

// --- saving the consent -------------------------------------------------------------------------

/** Return the identifiable details the method asks for; null (with errors shown) if missing. */
function details () {
  const found = { name: value('participant-name') }
  if (recontact.some(key => answers[key])) {
    found.contact = {
      email: value('contact-email') || null,
      phone: value('contact-phone') || null,
      address: value('contact-address') || null
    }
  }
  if (method === 'signature') {
    found.signature = pad.isEmpty() ? null : pad.image()
    if (!found.signature) {
      const line = $('[data-error-for="signature"]').lastChild
      line.textContent = pad.isEmpty() ? usualSignatureError : ` ${messages.too_big}`
      return fail('signature') && null
    }
  } else if (method === 'typed_name') {
    if (!value('typed-name')) return fail('typed-name') && null
    found.typed_name = value('typed-name')
  } else if (method === 'verbal') {
    if (!value('witness')) return fail('witness') && null
    found.witness = value('witness')
  } else {
    const missing = ['consultee-name', 'consultee-relationship'].filter(id => !value(id))
    if (missing.length) return fail(...missing) && null
    found.consultee = { name: value('consultee-name'), relationship: value('consultee-relationship') }
  }
  return found
}

/** Forget everything typed or drawn: it now lives only in the sealed envelope. */
function forgetTyped () {
  for (const input of app.querySelectorAll('input[type=text], input[type=email], input[type=tel], textarea')) input.value = ''
  pad.clear()
}

function say (text) {
  $('[data-consent-status]').textContent = text
}

async function saveTheConsent () {
  if (saving) return
  clearErrors()
  const found = details()
  if (!found) return
  if (!visit.key) return say(messages.no_key)
  saving = true
  try {
    const record = {
      uuid: newUuid(),
      owner: settings.owner,
      study: settings.study,
      form_version_id: Number(app.dataset.versionId),
      language: app.dataset.language,
      method,
      participant_code: visit.participant.code,
      answers: Object.fromEntries(statementKeys.map(key => [key, answers[key] === true])),
      given_at: new Date().toISOString(),
      identifiable: await seal(found, visit.key),
      outcome: null
    }
    const saved = await saveConsent(record, !record.participant_code)
    forgetTyped()
    await consentTaken(settings, visit, { code: saved.participant_code, consentUuid: saved.uuid })
    showSummary(saved)
  } catch (error) {
    say(error.message === 'no_codes' ? messages.no_codes
      : messages.saving_failed.replace('{error}', error.message))
  } finally {
    saving = false
  }
}

/** Say in plain words what the person agreed to, and their participant code. */
function showSummary (record) {
  $('[data-participant-code]').textContent = record.participant_code
  $('[data-summary-list]').replaceChildren(...statementKeys.map(key => {
    const words = [...screenOf('statement', key).querySelectorAll('h1 [data-speak]')]
      .find(span => !span.hidden)?.textContent.trim() || key
    const item = document.createElement('li')
    const answer = Object.assign(document.createElement('strong'), {
      textContent: record.answers[key] ? messages.agreed : messages.not_agreed
    })
    answer.dataset.speak = ''
    item.append(answer, ': ', Object.assign(document.createElement('span'), { textContent: words }))
    item.lastChild.dataset.speak = ''
    item.dataset.statement = key
    return item
  }))
  $('[data-summary-method]').textContent = messages[record.method]
  trail = []
  show(screenOf('summary'))
}

// --- the easy-read switch, languages, and starting --------------------------------------------------

function switchEasyRead (button) {
  const easy = button.getAttribute('aria-pressed') !== 'true'
  button.setAttribute('aria-pressed', String(easy))
  button.textContent = easy ? messages.easy_on : messages.easy_off
  for (const part of app.querySelectorAll('[data-plain]')) part.hidden = easy
  for (const part of app.querySelectorAll('[data-easy]')) part.hidden = !easy
}

async function start () {
  visit = await visitOf(settings, decodeURIComponent(location.hash.slice(1)))
  if (!visit || visit.participant.needsConsent === false) {
    location.replace(settings.home) // a consent belongs to a visit begun on the home
    return
  }
  app.hidden = false
  show(screenOf('method'))
  app.dataset.ready = 'true'
}

for (const button of app.querySelectorAll('[data-continue]')) button.addEventListener('click', next)
$('[data-back]').addEventListener('click', back)
$('[data-save-consent]').addEventListener('click', saveTheConsent)
$('[data-signature-clear]').addEventListener('click', () => pad.clear())
$('[data-easy-read-toggle]')?.addEventListener('click', event => switchEasyRead(event.currentTarget))
$('[data-start-interview]').addEventListener('click', async () => {
  location.assign(await openInterview(settings, visit))
})
$('[data-leave]').addEventListener('click', () => endVisit(settings))
for (const link of app.querySelectorAll('[data-language-link]')) {
  link.addEventListener('click', event => {
    event.preventDefault()
    location.assign(`${link.getAttribute('href')}${location.hash}`)
  })
}
startTalk()
start()
