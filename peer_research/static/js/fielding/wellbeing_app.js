// The interviewer's check-in and debrief (templates/surveys/fielding/wellbeing.html): the
// study's wellbeing questions, a question per screen (interview.js), then the answers are kept
// in IndexedDB and wait in the send queue with the interviews (sync.js).
// The check-in ("before") belongs to a visit begun on the home (the address's #fragment);
// saved, it leads to the consent step or the interview (journey.js). It reminds gently when the
// interviewer has started more interviews today than their own limit, and suggests a break
// after a hard debrief: it never stops them. The debrief ("after") names its interview by the
// #fragment; saved, it shows the study's support, and suggests a break when the score is low.
// Both wait in the queue that the home sends (as interviews do), so that a visit's pages
// never send half of it in the middle.
import '../interview.js'
import { collectAnswers } from './answers.js'
import { checkedIn, interviewsToday, visitOf } from './journey.js'
import { getSetting, newUuid, putCheckIn, putSetting } from './store.js'
import { startTalk } from './talk.js'

const app = document.querySelector('[data-wellbeing-app]')
const settings = JSON.parse(app.dataset.settings)
const messages = JSON.parse(app.dataset.messages)
const kind = app.dataset.kind
const root = app.querySelector('[data-interview]')
const interview = root.interview
const $ = selector => app.querySelector(selector)
const FEELING = 'feeling' // the question whose answer (1 to 5) is the score
const hardDebriefKey = `hard-debrief:${settings.owner}:${settings.study}`
let visit = null
let saving = false

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => key in values ? values[key] : whole)

/** Return the "how do you feel" score (1 to 5), or null when it was not answered. */
function scoreOf (answers) {
  const score = Number(answers[FEELING])
  return Number.isInteger(score) && score >= 1 && score <= 5 ? score : null
}

/** Show the reminders before a visit: over the daily limit, a hard last debrief. */
async function remind () {
  const started = await interviewsToday(settings)
  if (settings.dailyLimit && started >= settings.dailyLimit) {
    const reminder = $('[data-limit-reminder]')
    reminder.replaceChildren(Object.assign(document.createElement('p'), {
      className: 'govuk-body', textContent: fill(messages.over_limit, { count: started, limit: settings.dailyLimit })
    }))
    reminder.hidden = false
  }
  const hard = await getSetting(hardDebriefKey)
  $('[data-break-reminder]').hidden = !(hard && new Date(hard).toDateString() === new Date().toDateString())
}

/** Keep the answers on the tablet as a check-in record; return it. */
async function keep () {
  const { answers } = collectAnswers(interview)
  const record = {
    uuid: newUuid(),
    owner: settings.owner,
    study: settings.study,
    kind,
    interview_uuid: kind === 'before' ? visit.interviewUuid : (decodeURIComponent(location.hash.slice(1)) || null),
    given_at: new Date().toISOString(),
    answers,
    note: $('#wellbeing-note').value.trim(),
    score: scoreOf(answers),
    outcome: null
  }
  await putCheckIn(record)
  return record
}

async function save () {
  if (saving) return
  interview.check()
  if (!root.querySelector('[data-error-summary]').hidden) return
  saving = true
  try {
    const record = await keep()
    if (kind === 'before') {
      location.assign(await checkedIn(settings, visit, record.uuid))
      return
    }
    const hard = record.score !== null && settings.lowScore !== null && record.score <= settings.lowScore
    await putSetting(hardDebriefKey, hard ? record.given_at : null)
    $('[data-break-now]').hidden = !hard
    $('[data-questions]').hidden = true
    $('[data-done]').hidden = false
    $('#done-title').focus()
    app.dataset.saved = record.uuid
  } catch (error) {
    $('[data-wellbeing-status]').textContent = fill(messages.saving_failed, { error: error.message })
  } finally {
    saving = false
  }
}

async function start () {
  if (kind === 'before') {
    visit = await visitOf(settings, decodeURIComponent(location.hash.slice(1)))
    if (!visit) {
      location.replace(settings.home) // a check-in belongs to a visit begun on the home
      return
    }
    await remind()
  }
  app.hidden = false
  for (const note of document.querySelectorAll('[data-no-script-note]')) note.hidden = true
  $('[data-wellbeing-title]').focus()
  app.dataset.ready = 'true'
}

$('[data-save]').addEventListener('click', save)
startTalk()
start()
