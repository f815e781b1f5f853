// Live updates for co-design pages (see surveys/views/live.py).
//
// Every few seconds, and when the tab comes back into view, ask whether the group's
// activity fingerprint has changed. If it has, fetch this page again and swap in the
// new content, unless the person is typing in a form or has focus inside the content:
// then offer a "Show the latest" button instead, so nothing they are doing is lost.
import { initAll } from '../vendor/govuk/govuk-frontend.min.js'

const content = document.getElementById('page-content')
const notice = document.getElementById('live-notice')
const status = document.getElementById('live-status')
const showButton = document.getElementById('live-show')

function isBusy () {
  const active = document.activeElement
  if (active && active !== document.body && content.contains(active)) return true
  for (const field of content.querySelectorAll('input, textarea, select')) {
    if (field.type === 'hidden') continue
    if (field.type === 'checkbox' || field.type === 'radio') {
      if (field.checked !== field.defaultChecked) return true
    } else if (field.tagName === 'SELECT') {
      for (const option of field.options) {
        if (option.selected !== option.defaultSelected) return true
      }
    } else if (field.value !== field.defaultValue) {
      return true
    }
  }
  return false
}

function announce (message) {
  status.textContent = ''
  setTimeout(() => { status.textContent = message }, 50)
}

async function swapInLatest () {
  const response = await fetch(window.location.href, {
    credentials: 'same-origin',
    headers: { Accept: 'text/html' }
  })
  if (!response.ok) return
  const page = new DOMParser().parseFromString(await response.text(), 'text/html')
  const fresh = page.getElementById('page-content')
  if (!fresh) return
  content.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)))
  content.dataset.liveToken = fresh.dataset.liveToken
  for (const el of content.querySelectorAll('[data-requires-js]')) el.hidden = false
  initAll({ scope: content })
  notice.hidden = true
  announce(status.dataset.updatedMessage)
}

async function check () {
  if (document.hidden) return
  let token
  try {
    const response = await fetch(content.dataset.liveUrl, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    })
    if (!response.ok) return
    token = (await response.json()).token
  } catch {
    return // offline or the server is busy: try again next time
  }
  if (!token || token === content.dataset.liveToken) return
  if (isBusy()) {
    notice.hidden = false
  } else {
    await swapInLatest()
  }
}

if (content && notice && status) {
  showButton.addEventListener('click', () => { swapInLatest().catch(() => window.location.reload()) })
  const seconds = Number(content.dataset.liveInterval) || 10
  setInterval(check, seconds * 1000)
  document.addEventListener('visibilitychange', check)
  window.addEventListener('focus', check)
}
