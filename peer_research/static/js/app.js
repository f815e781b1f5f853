// Site-wide behaviour. Loaded as <script type="module" src="/static/js/app.js">:
// the CSP (script-src 'self') forbids inline scripts, so everything GOV.UK
// Frontend normally does inline happens here. Modules are deferred, so the
// DOM is already parsed when this runs.
import { initAll } from '../vendor/govuk/govuk-frontend.min.js'
import { forgetPagesOnSignOut } from './fielding/sign_out.js'

// GOV.UK Frontend only styles/initialises JS-enhanced components when this
// class is present (their template sets it in an inline <script>).
document.body.classList.add('govuk-frontend-supported')
initAll()

// Signing out on any page forgets the interview app's kept pages (see sign_out.js).
forgetPagesOnSignOut()

// Controls that only work with JS are rendered `hidden`; reveal them now so
// users without JS never see buttons that do nothing.
for (const el of document.querySelectorAll('[data-requires-js]')) {
  el.hidden = false
}

// Fallback for browsers without the async Clipboard API or in insecure
// contexts (http:// other than localhost), where navigator.clipboard is absent.
function legacyCopy (field) {
  field.focus()
  field.select()
  if (!document.execCommand('copy')) throw new Error('copy failed')
}

// <button data-copy-target="ID" data-copy-status="STATUS_ID"
//         data-copied-message="Copied"> copies the value of #ID. The status
// element is an aria-live="polite" region so screen readers hear the result.
for (const button of document.querySelectorAll('button[data-copy-target]')) {
  button.addEventListener('click', async () => {
    const field = document.getElementById(button.dataset.copyTarget)
    if (!field) return
    const text = field.value ?? field.textContent
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text)
      } else {
        legacyCopy(field)
      }
    } catch {
      // e.g. permission denied: try the old way; if that fails too, the text
      // is left selected so the user can copy it by hand. Announce nothing.
      try { legacyCopy(field) } catch { return }
    }
    const status = document.getElementById(button.dataset.copyStatus)
    if (status) {
      // Clear first so repeating the same message is announced again.
      status.textContent = ''
      setTimeout(() => { status.textContent = button.dataset.copiedMessage || '' }, 50)
    }
  })
}

// <button data-print> opens the browser print dialog (no inline onclick).
for (const button of document.querySelectorAll('button[data-print]')) {
  button.addEventListener('click', () => window.print())
}
