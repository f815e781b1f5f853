// Signing out, on any page of the site (app.js calls this), forgets the pages the service
// worker kept for this person (their name, their home), so that whoever opens the app next,
// even offline, does not get them.
// Their interviews stay in IndexedDB under their own user id until they are sent.
const PREFIX = 'fieldwork-'

export function forgetPagesOnSignOut () {
  const form = document.querySelector('form[action$="/sign-out"]')
  if (!form || !('caches' in window)) return
  form.addEventListener('submit', async event => {
    if (form.dataset.forgotten) return
    event.preventDefault()
    try {
      for (const name of await caches.keys()) if (name.startsWith(PREFIX)) await caches.delete(name)
    } finally {
      form.dataset.forgotten = 'true'
      form.requestSubmit()
    }
  })
}
