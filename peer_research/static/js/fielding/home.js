// The interviewer's home (templates/surveys/fielding/home.html): the send queue and its
// state, unfinished interviews to go on with, interviews the server did not accept, the
// promise of persistent storage, and the service worker that keeps the app offline.
import { getSetting, interviewsOf, isQueued } from './store.js'
import { Sync } from './sync.js'
import { forgetPagesOnSignOut } from './sign_out.js'

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

/** Say how the queue stands: waiting, sending, all sent; when it last sent. */
async function showQueue (state) {
  const records = await interviewsOf(settings.owner, settings.study)
  const queued = records.filter(isQueued)
  const last = await getSetting(`last-sent:${settings.owner}:${settings.study}`)
  let status
  if (state.name === 'sending') status = messages.sending
  else if (queued.length === 1) status = messages.waiting_one
  else if (queued.length > 1) status = fill(messages.waiting, { count: queued.length })
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
  showUnfinished(records)
  showProblems(records)
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
  registration.active.postMessage({ type: 'keep', urls: [...keep, settings.home, settings.support] })
}

const sync = new Sync(settings, state => { showQueue(state) })
$('[data-send-now]').addEventListener('click', () => sync.send())
showQueue(sync.state)
askForPersistence()
workOffline().catch(error => console.warn(`The app cannot work offline here: ${error.message}`))
sync.send()
forgetPagesOnSignOut()
