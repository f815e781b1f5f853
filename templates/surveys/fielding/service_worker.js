// The interview app's service worker (sent by surveys/fielding/pages.py with the settings
// below). It keeps the app's files, the fieldwork pages, every published version's
// interview pages with their pictures, and the consent step of the current consent form with
// its easy-read pictures, so that visits start and go on without a signal. These pages and
// pictures never change once published: they come from the cache first.
// The home and support pages come from the network when there is one (so that new versions
// show), else from the cache. Sending interviews never goes through the cache.
const SETTINGS = {{ settings | tojson }}
const CACHE = SETTINGS.cachePrefix + SETTINGS.build

// Published questionnaire and consent form versions never change: nor do their pages.
const isInterviewPage = url => url.pathname.includes('/interviewing/versions/') ||
  url.pathname.includes('/interviewing/consent/')
const isPicture = url => url.pathname.includes('/media/') ||
  url.pathname.includes('/consent/form/pictures/')
const isStatic = url => url.pathname.startsWith('/static/')

/** Fetch an address and keep the answer, when it is a good one; tell whether it was. */
async function keep (cache, address) {
  try {
    const response = await fetch(address, { credentials: 'same-origin', redirect: 'follow' })
    if (!response.ok || response.redirected) return false
    await cache.put(address, response)
    return true
  } catch (error) {
    return false
  }
}

/** Carry the interview pages kept by an older build over to this one, fresh from the server. */
async function carryOver (cache) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(SETTINGS.cachePrefix) || name === CACHE) continue
    const old = await caches.open(name)
    for (const request of await old.keys()) {
      const url = new URL(request.url)
      if (!isInterviewPage(url) && !isPicture(url)) continue
      if (!(await keep(cache, request.url))) {
        const response = await old.match(request)
        if (response) await cache.put(request, response)
      }
    }
  }
}

self.addEventListener('install', event => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    await cache.addAll(SETTINGS.shell)
    for (const page of SETTINGS.pages) await keep(cache, page)
    await carryOver(cache)
    await self.skipWaiting()
  })())
})

self.addEventListener('activate', event => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(SETTINGS.cachePrefix) && name !== CACHE) await caches.delete(name)
    }
    await self.clients.claim()
  })())
})

/** Keep the addresses the home page asks for (new versions, pictures); say when done. */
self.addEventListener('message', event => {
  const data = event.data || {}
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    let missing = 0
    for (const address of data.urls) {
      if (await cache.match(address)) continue
      if (!(await keep(cache, address))) missing += 1
    }
    if (event.source) event.source.postMessage({ type: 'kept', missing })
  })())
})

async function cacheFirst (request) {
  const cache = await caches.open(CACHE)
  const kept = await cache.match(request)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok && !response.redirected) await cache.put(request, response.clone())
  return response
}

async function networkFirst (request) {
  const cache = await caches.open(CACHE)
  try {
    const response = await fetch(request)
    if (response.ok && !response.redirected) {
      await cache.put(request, response.clone())
    } else if (request.mode !== 'navigate') {
      // The manifest while signed out: the kept one, not the sign-in page it was sent to.
      const kept = await cache.match(request, { ignoreSearch: true })
      if (kept) return kept
    }
    return response
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true })
    if (kept) return kept
    throw error
  }
}

self.addEventListener('fetch', event => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (url.pathname.startsWith(SETTINGS.api)) return
  if (request.cache === 'no-store') return // the app asks the server itself (a fresh token)
  if (isStatic(url) || isPicture(url) || isInterviewPage(url)) {
    event.respondWith(cacheFirst(request))
  } else if (request.mode === 'navigate' || SETTINGS.pages.includes(url.pathname)) {
    event.respondWith(networkFirst(request))
  }
})
