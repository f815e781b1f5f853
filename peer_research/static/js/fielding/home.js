// The interviewer's home (templates/surveys/fielding/home.html): the send queue and its
// state, "Start an interview" (which asks who is taking part: who.js), unfinished interviews
// to go on with, interviews and consents the server did not accept, copies for participants,
// the promise of persistent storage, and the service worker that keeps the app offline.
import { codePool, consentsOf, getSetting, interviewsOf, isConsentQueued, isQueued } from './store.js'
import { recentCopies, Sync, waitingToSend } from './sync.js'
import { startTalk } from './talk.js'
import { WhoIsTakingPart } from './who.js'

const root = document.querySelector('[data-fieldwork-home]')
const settings = JSON.parse(root.dataset.settings)
const messages = JSON.parse(root.dataset.messages)
const keep = JSON.parse(root.dataset.keep || '[]')
const $ = selector => root.querySelector(selector)

for (const note of document.querySelectorAll('[data-no-script-note]')) note.hidden = true

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => key in values ? values[key] : whole)

const when = iso => new Date(iso).toLocaleString(document.documentElement.lang || undefined,
  { dateStyle: 'medium', timeStyle: 'short' })

function element (tag, text, attributes = {}) {
  const made = document.createElement(tag)
  if (text) made.textContent = text
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value)
  return made
}

/** Show the unfinished interviews, each with a link that goes on with it. */
function showUnfinished (records) {
  const unfinished = records.filter(record => record.status === 'in_progress')
  $('[data-no-unfinished]').hidden = unfinished.length > 0
  $('[data-unfinished-list]').replaceChildren(...unfinished.map(record => {
    const item = element('li', '', { class: 'govuk-!-margin-bottom-4', 'data-unfinished': record.uuid })
    const link = element('a', messages.resume, {
      class: 'govuk-button govuk-!-margin-bottom-1', href: `${record.page}#${record.uuid}`, role: 'button'
    })
    if (!record.participant_code) { // begun before the consent step: say who it is first
      link.addEventListener('click', event => {
        event.preventDefault()
        who.open({ language: record.language }, record.uuid)
      })
    }
    link.append(element('span', `: ${record.title}`, { class: 'govuk-visually-hidden' }))
    item.append(link, element('p', `${record.title}. ${fill(messages.started, { time: when(record.started_at) })}`,
      { class: 'govuk-body' }))
    return item
  }))
}

/** Show the interviews the server did not accept, with what it said, in plain words. */
function showProblems (records) {
  const problems = records.filter(record => record.outcome)
  $('[data-problems]').hidden = problems.length === 0
  $('[data-problem-list]').replaceChildren(...problems.map(record => {
    const item = element('li', '', { 'data-problem': record.uuid })
    item.append(
      element('strong', `${record.title}, ${when(record.started_at)}: ${messages.problem}. `),
      element('span', messages[record.outcome.outcome] || messages.refused),
      record.outcome.message ? element('span', ` ${record.outcome.message}`) : ''
    )
    return item
  }))
}

/** Show the consents the server did not accept, by participant code. */
function showConsentProblems (consents) {
  const problems = consents.filter(record => record.outcome)
  $('[data-consent-problems]').hidden = problems.length === 0
  $('[data-consent-problem-list]').replaceChildren(...problems.map(record => {
    const item = element('li', '', { 'data-consent-problem': record.uuid })
    item.append(
      element('strong', `${fill(messages.consent_problem, { code: record.participant_code })}: ${messages.problem}. `),
      element('span', messages[`consent_${record.outcome.outcome}`] || messages.consent_refused),
      record.outcome.message ? element('span', ` ${record.outcome.message}`) : ''
    )
    return item
  }))
}

/** Link to the copy of each consent the server acknowledged lately, for the participant. */
async function showCopies () {
  const copies = await recentCopies(settings)
  $('[data-copies]').hidden = copies.length === 0
  $('[data-copy-list]').replaceChildren(...copies.map(copy => {
    const item = element('li', '', { 'data-copy': copy.uuid })
    item.append(element('a', fill(messages.copy_of, { code: copy.code }),
      { class: 'govuk-link', href: `${settings.copies}${copy.uuid}` }))
    return item
  }))
}

/** Say how the queue stands: waiting, sending, all sent; when it last sent. */
async function showQueue (state) {
  const records = await interviewsOf(settings.owner, settings.study)
  const consents = await consentsOf(settings.owner, settings.study)
  const queued = records.filter(isQueued)
  const waitingConsents = consents.filter(isConsentQueued).length
  const { checkIns, reachOuts } = await waitingToSend(settings)
  const last = await getSetting(`last-sent:${settings.owner}:${settings.study}`)
  let status
  if (state.name === 'sending') status = messages.sending
  else if (queued.length === 1) status = messages.waiting_one
  else if (queued.length > 1) status = fill(messages.waiting, { count: queued.length })
  else if (waitingConsents === 1) status = messages.consents_waiting_one
  else if (waitingConsents > 1) status = fill(messages.consents_waiting, { count: waitingConsents })
  else if (checkIns.length + reachOuts.length) status = messages.wellbeing_waiting
  else status = records.length || last ? messages.all_sent : messages.nothing
  const line = $('[data-queue-status]')
  if (line.textContent !== status) line.textContent = status
  root.dataset.queued = String(queued.length)
  root.dataset.syncState = state.name
  const detail = $('[data-sync-detail]')
  const details = {
    offline: messages.offline,
    retrying: fill(messages.retrying, { seconds: state.seconds }),
    sign_in: messages.sign_in
  }
  detail.textContent = details[state.name] || ''
  detail.hidden = !details[state.name]
  $('[data-sign-in-again]').hidden = state.name !== 'sign_in'
  $('[data-last-sent]').textContent = last ? fill(messages.last_sent, { time: when(last) }) : messages.never_sent
  root.dataset.consentsQueued = String(waitingConsents)
  root.dataset.checkInsQueued = String(checkIns.length)
  showUnfinished(records)
  showProblems(records)
  showConsentProblems(consents)
  await showCopies()
  const codes = (await codePool(settings.owner, settings.study)).length
  $('[data-codes-status]').textContent = fill(messages.codes, { count: codes })
  root.dataset.codes = String(codes)
}

/** Ask the browser to keep the interviews even when space runs short, and say its answer. */
async function askForPersistence () {
  const line = $('[data-storage-status]')
  if (!navigator.storage || !navigator.storage.persist) {
    line.textContent = messages.not_persisted
    return
  }
  const kept = await navigator.storage.persisted() || await navigator.storage.persist()
  line.textContent = kept ? messages.persisted : messages.not_persisted
  root.dataset.persisted = String(kept)
}

/** Start the service worker and have it keep every published version and its pictures. */
async function workOffline () {
  if (!('serviceWorker' in navigator)) return
  navigator.serviceWorker.addEventListener('message', event => {
    if (event.data?.type !== 'kept') return
    root.dataset.offlineReady = String(event.data.missing === 0)
    if (event.data.missing === 0) $('[data-offline-status]').textContent = messages.ready_offline
  })
  await navigator.serviceWorker.register(settings.worker, { scope: settings.scope })
  const registration = await navigator.serviceWorker.ready
  registration.active.postMessage({ type: 'keep', urls: [...keep, settings.home, settings.support, settings.checkIn, settings.debrief] })
}

const sync = new Sync(settings, state => { showQueue(state) })
startTalk(sync)
const who = new WhoIsTakingPart(root, settings, messages, sync)
for (const button of root.querySelectorAll('[data-start-interview]')) {
  button.addEventListener('click', () => who.open(JSON.parse(button.dataset.startInterview)))
}
$('[data-send-now]').addEventListener('click', () => sync.send())
showQueue(sync.state)
askForPersistence()
workOffline().catch(error => console.warn(`The app cannot work offline here: ${error.message}`))
sync.send()
