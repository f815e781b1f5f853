// "I'd like to talk to someone" (templates/surveys/fielding/_talk.html), on every page of the
// interview app. One tap opens it; "Ask someone to get in touch" keeps the request on the
// tablet and sends it at once when there is a connection (sync.js sends requests first, before
// check-ins, consents and interviews); without one it says so, and the request is sent by
// itself when the connection comes back.
// The send queue (sync.js) is loaded only when a page without its own asks, to keep the
// interview page small.
import { newUuid, putReachOut, reachOutsOf } from './store.js'

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => key in values ? values[key] : whole)

class Talk {
  constructor (root, sync) {
    this.root = root
    this.settings = JSON.parse(root.dataset.talkSettings)
    this.messages = JSON.parse(root.dataset.messages)
    this.sync = sync
    this.waiting = null // the uuid of the request last made here
    this.opener = root.querySelector('[data-talk-open]')
    this.panel = root.querySelector('[data-talk-panel]')
    this.opener.addEventListener('click', () => this.toggle(this.panel.hidden))
    root.querySelector('[data-talk-close]').addEventListener('click', () => this.toggle(false))
    root.querySelector('[data-talk-send]').addEventListener('click', () => this.ask())
    window.addEventListener('online', () => setTimeout(() => this.refresh(), 0))
    root.hidden = false
  }

  toggle (open) {
    this.panel.hidden = !open
    this.opener.setAttribute('aria-expanded', String(open))
    if (open) this.panel.querySelector('#talk-title').focus()
    else this.opener.focus()
  }

  say (text) {
    this.root.querySelector('[data-talk-status]').textContent = text
  }

  /** Keep the request, then send it (or say that it waits for a connection). */
  async ask () {
    const { owner, study } = this.settings
    const box = this.root.querySelector('#talk-message')
    const record = { uuid: newUuid(), owner, study, at: new Date().toISOString(), message: box.value.trim(), outcome: null }
    await putReachOut(record)
    box.value = ''
    this.waiting = record.uuid
    this.say(navigator.onLine ? this.messages.sending : this.messages.queued)
    if (!this.sync) {
      const { Sync } = await import('./sync.js')
      this.sync = new Sync(this.settings, () => this.refresh())
    }
    if (this.sync.running) await this.sync.running // a send begun before this request
    await this.sync.send()
    await this.refresh()
  }

  /** Say where the last request stands: sent, waiting for a connection, or refused. */
  async refresh () {
    if (!this.waiting) return
    if (this.sync?.running) await this.sync.running
    const { owner, study } = this.settings
    const kept = (await reachOutsOf(owner, study)).find(record => record.uuid === this.waiting)
    if (!kept) this.say(this.messages.sent)
    else if (kept.outcome) this.say(fill(this.messages.refused, { reason: kept.outcome.message }))
    else this.say(this.messages.queued)
    this.root.dataset.talkState = !kept ? 'sent' : kept.outcome ? 'refused' : 'queued'
  }
}

/** Start "I'd like to talk to someone" on this page, sending with the page's Sync if it has one. */
export function startTalk (sync = null) {
  const root = document.querySelector('[data-talk]')
  return root ? new Talk(root, sync) : null
}
