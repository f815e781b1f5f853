// The support page (templates/surveys/fielding/support.html): "I'd like to talk to someone",
// and after an interview stopped by the distress protocol (its uuid in the address's
// #fragment), the way on to the interviewer's debrief.
import { debriefOf } from './journey.js'
import { startTalk } from './talk.js'

const page = document.querySelector('[data-support]')
const settings = JSON.parse(page.dataset.settings)
const stopped = decodeURIComponent(location.hash.slice(1))
const next = page.querySelector('[data-debrief-next]')
if (next && stopped) {
  next.querySelector('a').href = debriefOf(settings, stopped)
  next.hidden = false
}
startTalk()
