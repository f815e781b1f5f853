// The interview on the tablet (templates/surveys/fielding/interview.html): the questionnaire
// drawn by the preview's renderer (interview.js, a question per screen), kept answer by
// answer in IndexedDB under the interview's uuid (the address's #fragment), so that it can be
// paused and resumed, also after the browser restarts. Adds "Check your answers", finishing,
// notes, the language switch, and the distress protocol: pause, skip, or stop with a reason.
// An interview starts only from a visit (journey.js): the home chooses who is taking part,
// the consent step runs when needed, and the interview's record, carrying the participant's
// code, is made before this page opens; without one, the page goes back to the home.
// Finished, the interview leads to the interviewer's debrief; stopped, to what to do for the
// person first (the support page), then the debrief.
import '../interview.js'
import { answerText, captureForm, collectAnswers, questionText, restoreForm } from './answers.js'
import { debriefOf } from './journey.js'
import { getInterview, putInterview } from './store.js'
import { startTalk } from './talk.js'

const app = document.querySelector('[data-fielding-interview]')
const settings = JSON.parse(app.dataset.settings)
const messages = JSON.parse(app.dataset.messages)
const root = app.querySelector('[data-interview]')
const interview = root.interview
const pages = interview.pages
const $ = selector => app.querySelector(selector)
let record = null
let writing = Promise.resolve()
let returning = false // changing an answer from "Check your answers": Next goes back there

app.hidden = false
for (const note of document.querySelectorAll('[data-no-script-note]')) note.hidden = true

/** Write the interview as it stands now; resolves once the tablet has it. */
function save () {
  if (!record) return writing
  record.form = captureForm(interview)
  Object.assign(record, collectAnswers(interview))
  const snapshot = structuredClone(record)
  writing = writing.then(() => putInterview(snapshot)).then(
    () => { app.dataset.savedAt = snapshot.updated_at },
    error => { $('[data-save-status]').textContent = error.message })
  return writing
}

function screenName (screen) {
  if (screen === 'end') return 'end'
  if (screen?.matches?.('[data-question]')) return `question:${screen.dataset.field}`
  if (screen?.matches?.('[data-repeat]')) return `repeat:${screen.dataset.repeat}`
  return null
}

function goToScreen (name) {
  if (name === 'end') return pages.showEnd()
  if (!name) return
  const [kind, path] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)]
  const selector = kind === 'question' ? `[data-question][data-field="${CSS.escape(path)}"]`
    : `[data-repeat="${CSS.escape(path)}"]`
  const screen = root.querySelector(selector)
  if (screen) pages.show(screen, null)
}

/** Open this interview from the store (made by the visit) and put its answers back. */
async function start () {
  const asked = decodeURIComponent(location.hash.slice(1))
  record = asked ? await getInterview(settings.owner, asked) : null
  if (record && record.status !== 'in_progress') {
    location.replace(settings.home)
    return
  }
  if (record && String(record.version_id) !== app.dataset.versionId) {
    location.replace(`${record.page}#${record.uuid}`) // an interview keeps its version
    return
  }
  if (!record || !record.participant_code) {
    // No interview without a participant (and their consent): choose who is taking part.
    location.replace(settings.home)
    return
  }
  restoreForm(interview, record.form)
  goToScreen(record.screen)
  record.language = app.dataset.language
  record.page = location.pathname
  showNotes()
  root.addEventListener('input', save)
  root.addEventListener('change', save)
  root.addEventListener('click', () => setTimeout(save, 0)) // repeat items, ranking moves
  root.addEventListener('interview:screen', event => {
    record.screen = screenName(event.detail.screen)
    if (event.detail.screen === 'end') showCheckAnswers()
    save()
  })
  await save()
  app.dataset.ready = 'true'
}

// --- check your answers and finish ------------------------------------------------------------

function problems () {
  interview.checked = true
  interview.refresh()
  return interview.questions().filter(element => interview.relevant.has(element) &&
    interview.errors.has(element) && !record.skipped.includes(element.dataset.field))
}

function changeLink (element) {
  const link = document.createElement('a')
  const target = element.querySelector('input:not([type=hidden]), select, textarea')
  link.href = `#${target ? target.id : element.id}`
  link.className = 'govuk-link'
  link.textContent = messages.change
  const hidden = document.createElement('span')
  hidden.className = 'govuk-visually-hidden'
  hidden.textContent = ` ${questionText(element)}`
  link.append(hidden)
  link.addEventListener('click', event => {
    event.preventDefault()
    returning = true
    pages.show(element, target)
  })
  return link
}

/** List every question asked with its answer and a "Change" link. */
function showCheckAnswers () {
  const rows = interview.questions()
    .filter(element => interview.relevant.has(element) && !['calculate', 'note'].includes(element.dataset.type))
    .map(element => {
      const row = document.createElement('div')
      row.className = 'govuk-summary-list__row'
      const key = document.createElement('dt')
      key.className = 'govuk-summary-list__key'
      key.textContent = questionText(element)
      const value = document.createElement('dd')
      value.className = 'govuk-summary-list__value'
      value.textContent = answerText(element) ||
        (record.skipped.includes(element.dataset.field) ? messages.skipped : messages.not_answered)
      const action = document.createElement('dd')
      action.className = 'govuk-summary-list__actions'
      action.append(changeLink(element))
      row.append(key, value, action)
      return row
    })
  $('[data-answer-summary]').replaceChildren(...rows)
}

function showProblems (found) {
  const list = root.querySelector('[data-error-list]')
  list.replaceChildren(...found.map(element => {
    const item = document.createElement('li')
    const link = changeLink(element)
    link.textContent = interview.errors.get(element)
    item.append(link)
    return item
  }))
  const summary = root.querySelector('[data-error-summary]')
  summary.hidden = found.length === 0
  if (found.length) summary.focus()
}

async function finish () {
  const found = problems()
  if (found.length) return showProblems(found)
  record.status = 'complete'
  record.finished_at = new Date().toISOString()
  await save()
  location.assign(debriefOf(settings, record.uuid)) // how the interviewer feels now
}

// --- the distress protocol and notes ----------------------------------------------------------

const panels = { distress: $('[data-distress]'), notes: $('[data-notes]') }

function openPanel (name) {
  for (const [other, panel] of Object.entries(panels)) panel.hidden = other !== name
  $('[data-questions]').hidden = true
  $('[data-distress-open]').setAttribute('aria-expanded', String(name === 'distress'))
  $('[data-notes-open]').setAttribute('aria-expanded', String(name === 'notes'))
  panels[name].querySelector('h2').focus()
}

function closePanels () {
  for (const panel of Object.values(panels)) panel.hidden = true
  $('[data-questions]').hidden = false
  $('[data-stop-form]').hidden = true
  for (const button of app.querySelectorAll('[aria-expanded]')) button.setAttribute('aria-expanded', 'false')
  pages.progress.focus()
}

async function pause () {
  await save()
  location.assign(settings.home)
}

function skip () {
  closePanels()
  const current = pages.current
  if (current && current !== 'end' && current.matches('[data-question]')) {
    record.skipped.push(current.dataset.field)
    record.notes.push(messages.skipped_note.replace('{question}', questionText(current)))
    showNotes()
  }
  pages.skip()
  save()
}

async function stop () {
  const reason = app.querySelector('input[name="stop_reason"]:checked')?.value
  const group = $('[data-stop-group]')
  group.classList.toggle('govuk-form-group--error', !reason)
  $('[data-stop-error]').hidden = Boolean(reason)
  if (!reason) {
    app.querySelector('input[name="stop_reason"]').focus()
    return
  }
  record.status = 'stopped'
  record.stop_reason = reason
  record.stop_note = $('#stop-note').value.trim()
  record.finished_at = new Date().toISOString()
  await save()
  // First looking after the person; the support page then leads to the debrief.
  location.assign(`${settings.support}?stopped=1#${record.uuid}`)
}

function showNotes () {
  const list = $('[data-note-list]')
  list.replaceChildren(...record.notes.map(text => {
    const item = document.createElement('li')
    item.textContent = text
    return item
  }))
  if (!record.notes.length) list.replaceChildren(Object.assign(document.createElement('li'), { textContent: messages.no_notes }))
}

async function saveNote () {
  const box = $('#new-note')
  const text = box.value.trim()
  $('[data-note-error]').hidden = Boolean(text)
  $('[data-note-group]').classList.toggle('govuk-form-group--error', !text)
  if (!text) return box.focus()
  record.notes.push(text)
  box.value = ''
  showNotes()
  await save()
  $('[data-save-status]').textContent = messages.note_saved
}

async function switchLanguage (event) {
  event.preventDefault()
  const address = event.currentTarget.getAttribute('href')
  await save()
  location.assign(`${address}#${record.uuid}`)
}

// After changing an answer from "Check your answers", Next goes straight back there (once the
// answer is fine), as the check-your-answers pattern does; this runs before the pager's Next.
root.addEventListener('click', event => {
  if (!returning || !event.target.closest('[data-page-next]')) return
  const current = pages.current
  if (current !== 'end' && current.matches('[data-question]') && !interview.attempt(current)) return
  event.stopPropagation()
  returning = false
  pages.showEnd()
}, true)
$('[data-distress-open]').addEventListener('click', () => openPanel('distress'))
$('[data-notes-open]').addEventListener('click', () => openPanel('notes'))
for (const button of app.querySelectorAll('[data-distress-close], [data-notes-close]')) {
  button.addEventListener('click', closePanels)
}
$('[data-pause]').addEventListener('click', pause)
$('[data-skip]').addEventListener('click', skip)
$('[data-stop-open]').addEventListener('click', () => {
  $('[data-stop-form]').hidden = false
  app.querySelector('input[name="stop_reason"]').focus()
})
$('[data-stop]').addEventListener('click', stop)
$('[data-note-save]').addEventListener('click', saveNote)
$('[data-finish]').addEventListener('click', finish)
for (const link of app.querySelectorAll('[data-language-link]')) link.addEventListener('click', switchLanguage)
startTalk()
start()
