// Between the interview's screens (interview.js draws them) and the tablet's store: the state
// of every input, to put back exactly after a pause or a restart, and the answers as the sync
// API takes them ({name: value} and {section: [{name: value}]}, asked questions only).
import { readAnswer } from '../interview.js'

const CHOICES = new Set(['yes_no', 'select_one', 'select_multiple', 'rating'])

export const isEmpty = value => value === '' || value === null || value === undefined ||
  (Array.isArray(value) && value.length === 0)

/** Return the inputs of the interview (not those of repeat templates). */
function inputsOf (root) {
  return [...root.querySelectorAll('input[name], select[name], textarea[name]')]
    .filter(input => !input.closest('template') && input.type !== 'hidden')
}

function repeatsOf (root) {
  return [...root.querySelectorAll('[data-repeat]')].filter(repeat => !repeat.closest('template'))
}

/** Return every input's state and which repeat items exist, to keep on the tablet. */
export function captureForm (interview) {
  const fields = {}
  for (const input of inputsOf(interview.root)) {
    if (input.type === 'radio' || input.type === 'checkbox') {
      fields[input.name] = fields[input.name] || []
      if (input.checked) fields[input.name].push(input.value)
    } else {
      fields[input.name] = input.value
    }
  }
  const instances = {}
  for (const repeat of repeatsOf(interview.root)) {
    instances[repeat.dataset.repeat] = interview.instances(repeat).map(item => item.dataset.instance)
  }
  return { fields, instances }
}

/** Put back the repeat items (with their own numbers) and every input's state. */
export function restoreForm (interview, form) {
  const done = new Set()
  let more = true
  while (more) { // repeats inside repeat items appear as their items come back
    more = false
    for (const repeat of repeatsOf(interview.root)) {
      const path = repeat.dataset.repeat
      if (done.has(path) || !(path in form.instances)) continue
      done.add(path)
      more = true
      for (const item of interview.instances(repeat)) item.remove()
      for (const prefix of form.instances[path]) {
        repeat.dataset.next = prefix.slice(path.length + 1).split(']')[0]
        interview.addInstance(repeat)
      }
      interview.numberInstances(repeat)
    }
  }
  for (const input of inputsOf(interview.root)) {
    if (!(input.name in form.fields)) continue
    const kept = form.fields[input.name]
    if (input.type === 'radio' || input.type === 'checkbox') input.checked = kept.includes(input.value)
    else input.value = kept
  }
  interview.refresh()
}

function choseOther (value) {
  return Array.isArray(value) ? value.includes('other') : value === 'other'
}

/** Return the answers to the questions asked now, as the sync API takes them. */
export function collectAnswers (interview) {
  const answers = {}
  const repeats = {}
  for (const element of interview.questions()) {
    if (!interview.relevant.has(element) || element.dataset.type === 'note') continue
    const { value } = readAnswer(element)
    if (isEmpty(value)) continue
    let target = answers
    const item = element.closest('[data-instance]')
    if (item) {
      const repeat = item.parentElement
      const section = repeat.closest('[data-section]').dataset.section
      const index = interview.instances(repeat).indexOf(item)
      const list = repeats[section] = repeats[section] || []
      while (list.length <= index) list.push({})
      target = list[index]
    }
    target[element.dataset.key] = value
    const other = element.querySelector('[data-other-text]')
    if (other && choseOther(value) && other.value.trim()) {
      target[`${element.dataset.key}:other`] = other.value.trim()
    }
  }
  return { answers, repeats }
}

const words = element => (element?.textContent || '').replace(/\s+/g, ' ').trim()

/** Return a question's words, as the person saw them. */
export function questionText (element) {
  return words(element.querySelector('legend [data-speak], label [data-speak], .app-note [data-speak]')) ||
    element.dataset.key
}

function choiceText (element, name) {
  const input = [...element.querySelectorAll('[data-answer]')].find(found => found.value === name)
  if (!input) return name
  if (input.tagName === 'SELECT') return words([...input.options].find(option => option.value === name))
  if (input.tagName === 'OPTION') return words(input)
  return words(element.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || name
}

/** Return an answer in words, as "Check your answers" shows it ('' for none). */
export function answerText (element) {
  const { value } = readAnswer(element)
  if (isEmpty(value)) return ''
  const type = element.dataset.type
  if (CHOICES.has(type)) {
    const other = element.querySelector('[data-other-text]')
    const names = Array.isArray(value) ? value : [value]
    return names.map(name => name === 'other' && other
      ? `${choiceText(element, name)}: ${other.value.trim()}`
      : choiceText(element, name)).join(', ')
  }
  if (type === 'ranking') {
    return value.map((name, index) =>
      `${index + 1}. ${words(element.querySelector(`[data-choice="${CSS.escape(name)}"] [data-speak]`)) || name}`
    ).join(', ')
  }
  if (type === 'acknowledge') return words(element.querySelector('label'))
  return String(value)
}
