// "Read aloud" for easy read: speak a question's words, hint and answers with the browser's
// speech synthesis, each piece in its own language (a text not yet translated is read in the
// language it is written in). The buttons stay hidden where the browser cannot speak.

const synth = window.speechSynthesis
const supported = Boolean(synth && typeof synth.speak === 'function' &&
  typeof window.SpeechSynthesisUtterance === 'function')

/** Return the texts of a question to speak, in order, with their languages. */
export function piecesOf (question) {
  const fallback = document.documentElement.lang || 'en'
  return [...question.querySelectorAll('[data-speak]')]
    .filter(element => !element.closest('[hidden], [class*="--hidden"]'))
    .map(element => ({
      text: element.textContent.replace(/\s+/g, ' ').trim(),
      lang: element.closest('[lang]')?.getAttribute('lang') || fallback
    }))
    .filter(piece => piece.text)
}

/** Return the voice that best fits a language (exact match first, then the same language). */
function voiceFor (lang) {
  const voices = synth.getVoices ? synth.getVoices() : []
  const wanted = lang.toLowerCase().replace('_', '-')
  const base = wanted.split('-')[0]
  const tag = voice => (voice.lang || '').toLowerCase().replace('_', '-')
  return voices.find(voice => tag(voice) === wanted) ||
    voices.find(voice => tag(voice).split('-')[0] === base) || null
}

/** Speak a question: stop anything being read first, then read each piece in turn. */
export function readAloud (question) {
  if (!supported) return
  if (synth.cancel) synth.cancel()
  for (const piece of piecesOf(question)) {
    const utterance = new window.SpeechSynthesisUtterance(piece.text)
    utterance.lang = piece.lang
    const voice = voiceFor(piece.lang)
    if (voice) utterance.voice = voice
    utterance.rate = 0.9 // a little slower than usual: easier to follow
    synth.speak(utterance)
  }
}

function reveal (element) {
  if (!supported) return
  for (const button of element.querySelectorAll('[data-read-aloud]')) button.hidden = false
}

reveal(document)
// Repeat items added later (interview.js) bring their own buttons.
document.addEventListener('interview:added', event => reveal(event.target))
document.addEventListener('click', event => {
  const button = event.target.closest('[data-read-aloud]')
  // A question of the interview, or a screen of the consent step.
  const question = button?.closest('[data-question], [data-read-scope]')
  if (question) readAloud(question)
})
