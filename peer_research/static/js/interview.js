// Questionnaire logic, live, for questions drawn by templates/surveys/_question.html: hide what
// is not relevant, work out calculations, show constraint and required messages, add and remove
// repeat items, and move ranking answers. Uses the shared evaluator (logic.js), with the
// answers as surveys.logic sees them (see surveys/rendering.py): unanswered is '', select
// multiple and ranking are lists of choice names, well-formed numbers are numbers, and a
// question that is not relevant counts as unanswered. With `data-paged` on the root, the same
// questions show one per screen (interview_pages.js).
import { Pages } from './interview_pages.js'
import { evaluate, parse, toBoolean, toNumber, toText } from './logic.js'

const WHOLE_NUMBER = /^\s*-?[0-9]+\s*$/
const NUMBER = /^\s*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*$/
const MAX_REPEATS = 50
const MAX_PASSES = 10
// The message for an empty answer that is needed, by kind of question.
const REQUIRED = {
  yes_no: 'required_choice',
  select_one: 'required_choice',
  select_multiple: 'required_choice',
  rating: 'required_choice',
  ranking: 'required_ranking',
  date: 'required_date',
  acknowledge: 'required_acknowledge'
}

const isEmpty = value => value === '' || (Array.isArray(value) && value.length === 0)
const pad = (number, width) => String(number).padStart(width, '0')

function dateFromParts (parts) {
  const [day, month, year] = ['day', 'month', 'year'].map(part => (parts[part] || '').trim())
  if (!day && !month && !year) return { value: '' }
  if (![day, month, year].every(text => /^[0-9]+$/.test(text)) || year.length !== 4) {
    return { value: '', problem: 'date' }
  }
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 ||
      date.getUTCDate() !== Number(day)) {
    return { value: '', problem: 'date' }
  }
  return { value: `${year}-${pad(month, 2)}-${pad(day, 2)}` }
}

function rankingAnswer (question) {
  const given = [...question.querySelectorAll('select[data-rank]')]
    .map((select, index) => ({ name: select.dataset.rank, number: Number(select.value), index }))
  const numbered = given.filter(item => item.number > 0)
  if (!numbered.length) return { value: [] }
  const numbers = new Set(numbered.map(item => item.number))
  numbered.sort((a, b) => a.number - b.number || a.index - b.index)
  const value = numbered.map(item => item.name)
  if (numbers.size !== numbered.length) return { value, problem: 'rank_twice' }
  if (numbered.length !== given.length) return { value, problem: 'rank_all' }
  return { value }
}

/** Read one question's answer from its inputs: { value, problem? }. */
export function readAnswer (question) {
  const type = question.dataset.type
  if (type === 'calculate') return { value: question.value }
  if (type === 'note') return { value: '' }
  if (type === 'date') {
    const parts = {}
    for (const input of question.querySelectorAll('[data-date-part]')) parts[input.dataset.datePart] = input.value
    return dateFromParts(parts)
  }
  if (type === 'ranking') return rankingAnswer(question)
  const inputs = [...question.querySelectorAll('[data-answer]')]
  let answer
  if (type === 'select_multiple') {
    answer = { value: inputs.filter(input => input.checked).map(input => input.value) }
  } else if (type === 'acknowledge') {
    answer = { value: inputs.some(input => input.checked) ? 'OK' : '' }
  } else if (inputs.length && (inputs[0].type === 'radio' || inputs[0].type === 'checkbox')) {
    answer = { value: inputs.find(input => input.checked)?.value ?? '' }
  } else {
    const text = inputs[0]?.value ?? ''
    if (type === 'integer' || type === 'decimal') {
      const pattern = type === 'integer' ? WHOLE_NUMBER : NUMBER
      if (!text.trim()) answer = { value: '' }
      else if (pattern.test(text)) answer = { value: Number(text.trim()) }
      else answer = { value: text, problem: type }
    } else if (type === 'time') {
      answer = /^[0-9]{2}:[0-9]{2}/.test(text) || !text ? { value: text.slice(0, 5) } : { value: text, problem: 'time' }
    } else {
      answer = { value: text }
    }
  }
  const other = question.querySelector('[data-other-text]')
  const choseOther = Array.isArray(answer.value) ? answer.value.includes('other') : answer.value === 'other'
  if (other && choseOther && !other.value.trim() && !answer.problem) answer.problem = 'other'
  return answer
}

function fill (template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => key in values ? values[key] : whole)
}

export class Interview {
  constructor (root) {
    this.root = root
    this.messages = JSON.parse(root.dataset.messages || '{}')
    this.trees = new Map()
    this.touched = new Set() // fields changed: their format and rules are checked
    this.left = new Set() // fields the person moved on from: "Other, please say" is checked
    this.attempted = new Set() // fields the person tried to go on from (Next): all is checked
    this.checked = false
    this.errors = new Map() // question element -> message shown
    this.relevant = new WeakSet() // questions and sections asked now
    root.addEventListener('input', () => this.refresh())
    root.addEventListener('change', event => this.onChange(event))
    root.addEventListener('click', event => this.onClick(event))
    root.addEventListener('focusout', event => this.onFocusOut(event))
    this.reveal(root)
    for (const note of document.querySelectorAll('[data-no-script-note]')) note.hidden = true
    this.pages = 'paged' in root.dataset ? new Pages(this) : null
    this.refresh()
  }

  /** Show the controls that only work with this script. */
  reveal (element) {
    const selector = '[data-repeat-add], [data-repeat-remove], [data-ranking-buttons], [data-check]'
    for (const control of element.querySelectorAll(selector)) control.hidden = false
  }

  tree (expression) {
    if (!this.trees.has(expression)) {
      try {
        this.trees.set(expression, parse(expression))
      } catch (error) {
        console.warn(`Logic that cannot be read: ${expression}: ${error.message}`)
        this.trees.set(expression, null)
      }
    }
    return this.trees.get(expression)
  }

  /** Work out an expression; null when it cannot be (the draft may still have problems). */
  run (expression, answers, current = null) {
    const tree = this.tree(expression)
    if (tree === null) return null
    try {
      return evaluate(tree, answers, current)
    } catch (error) {
      console.warn(`Logic that cannot be worked out: ${expression}: ${error.message}`)
      return null
    }
  }

  questions () {
    return [...this.root.querySelectorAll('[data-question]')]
  }

  /** Work everything out from the answers and show it. */
  refresh (depth = 0) {
    const questions = this.questions().map(element => ({
      element,
      key: element.dataset.key,
      scope: element.parentElement.closest('[data-instance]'),
      relevant: true,
      ...readAnswer(element)
    }))
    const sections = [...this.root.querySelectorAll('[data-section]')].map(element => ({
      element,
      scope: element.parentElement.closest('[data-instance]'),
      parent: element.parentElement.closest('[data-section]'),
      relevant: true
    }))
    const sectionOf = new Map(sections.map(section => [section.element, section]))
    let answersIn
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      answersIn = this.scopes(questions)
      let changed = false
      for (const section of sections) {
        const parent = section.parent ? sectionOf.get(section.parent).relevant : true
        const relevance = section.element.dataset.relevance
        const own = !relevance || this.truth(relevance, answersIn(section.scope))
        if (section.relevant !== (parent && own)) changed = true
        section.relevant = parent && own
      }
      for (const question of questions) {
        const home = question.element.parentElement.closest('[data-section]')
        const parent = home ? sectionOf.get(home).relevant : true
        const relevance = question.element.dataset.relevance
        const relevant = parent && (!relevance || this.truth(relevance, answersIn(question.scope)))
        if (question.relevant !== relevant) changed = true
        question.relevant = relevant
        const calculation = question.element.dataset.calculation
        if (question.element.dataset.type === 'calculate' && calculation) {
          const result = relevant ? this.run(calculation, answersIn(question.scope)) : ''
          const value = result === null ? '' : toText(result)
          if (value !== question.value) changed = true
          question.value = value
        }
      }
      if (!changed) break
    }
    if (depth < 3 && this.fitRepeats(sections, answersIn)) {
      this.refresh(depth + 1)
      return
    }
    this.relevant = new WeakSet()
    for (const item of [...sections, ...questions]) if (item.relevant) this.relevant.add(item.element)
    for (const section of sections) section.element.hidden = !section.relevant
    for (const question of questions) this.show(question, answersIn)
    this.fillOutputs(answersIn)
    if (this.pages) this.pages.apply()
  }

  truth (expression, answers, current = null) {
    const value = this.run(expression, answers, current)
    return value === null ? true : toBoolean(value)
  }

  /** Return a function giving the answers seen from a repeat item (null: outside repeats). */
  scopes (questions) {
    const cache = new Map()
    const own = new Map()
    for (const question of questions) {
      if (!own.has(question.scope)) own.set(question.scope, {})
      own.get(question.scope)[question.key] = question.relevant ? question.value : ''
    }
    const answersIn = scope => {
      if (!cache.has(scope)) {
        const outer = scope ? answersIn(scope.parentElement.closest('[data-instance]')) : {}
        cache.set(scope, { ...outer, ...(own.get(scope) || {}) })
      }
      return cache.get(scope)
    }
    return answersIn
  }

  /** Make repeats with a count have that many items; tell whether anything changed. */
  fitRepeats (sections, answersIn) {
    let changed = false
    for (const repeat of this.root.querySelectorAll('[data-repeat-count]')) {
      const expression = repeat.dataset.repeatCount
      if (!expression) continue
      const section = sections.find(item => item.element === repeat.closest('[data-section]'))
      const scope = repeat.parentElement.closest('[data-instance]')
      const value = section && section.relevant ? this.run(expression, answersIn(scope)) : 0
      const number = value === null ? 0 : toNumber(value)
      const wanted = Number.isFinite(number) ? Math.max(0, Math.min(MAX_REPEATS, Math.trunc(number))) : 0
      let items = this.instances(repeat)
      while (items.length < wanted) {
        this.addInstance(repeat)
        items = this.instances(repeat)
        changed = true
      }
      while (items.length > wanted) {
        items.pop().remove()
        changed = true
      }
      this.numberInstances(repeat)
    }
    return changed
  }

  instances (repeat) {
    return [...repeat.children].filter(child => child.matches('[data-instance]'))
  }

  numberInstances (repeat) {
    this.instances(repeat).forEach((item, index) => {
      for (const number of item.querySelectorAll('[data-instance-number]')) {
        if (number.closest('[data-instance]') === item) number.textContent = String(index + 1)
      }
    })
  }

  addInstance (repeat) {
    const template = [...repeat.children].find(child => child.matches('template[data-repeat-template]'))
    const used = this.instances(repeat).length
    const next = Math.max(Number(repeat.dataset.next || 0), used)
    repeat.dataset.next = String(next + 1)
    const holder = document.createElement('template')
    // The markup was escaped by the server; only the placeholder index changes.
    holder.innerHTML = template.innerHTML.replaceAll(repeat.dataset.placeholder, String(next))
    const item = holder.content.firstElementChild
    template.before(item)
    this.reveal(item)
    item.dispatchEvent(new CustomEvent('interview:added', { bubbles: true }))
    return item
  }

  /** Show one question: hidden or not, its value, required note and message. */
  show (question, answersIn) {
    const { element } = question
    if (element.dataset.type === 'calculate') {
      element.value = question.value
      return
    }
    element.hidden = !question.relevant
    const answers = answersIn(question.scope)
    const requiredIf = element.dataset.requiredIf
    const required = question.relevant && ('required' in element.dataset ||
      (Boolean(requiredIf) && this.truth(requiredIf, answers)))
    const note = element.querySelector('[data-required-note]')
    if (note) note.hidden = !required
    for (const box of element.querySelectorAll('[data-other-box]')) {
      const chosen = Array.isArray(question.value) ? question.value.includes('other') : question.value === 'other'
      box.classList.toggle(`${box.classList[0]}--hidden`, !chosen)
    }
    let message = null
    let lang = null
    const field = element.dataset.field
    if (question.relevant) {
      const tried = this.checked || this.attempted.has(field)
      const visible = tried || this.touched.has(field)
      // "Other, please say" waits until the person has moved on without writing: ticking
      // "Other" is not yet a mistake.
      const problemShown = question.problem === 'other' ? tried || this.left.has(field) : visible
      if (question.problem && problemShown) {
        message = this.messages[question.problem]
      } else if (required && isEmpty(question.value) && tried) {
        message = element.dataset.requiredMessage || this.messages[REQUIRED[element.dataset.type] || 'required']
        lang = element.dataset.requiredMessage ? element.dataset.requiredMessageLang : null
      } else if (element.dataset.constraint && !isEmpty(question.value) && visible &&
                 !this.truth(element.dataset.constraint, answers, question.value)) {
        message = element.dataset.constraintMessage || this.messages.constraint
        lang = element.dataset.constraintMessage ? element.dataset.constraintMessageLang : null
      }
    }
    this.showError(element, message, lang)
  }

  showError (element, message, lang) {
    const slot = element.querySelector('[data-error]')
    if (!slot) return
    const text = slot.querySelector('[data-error-text]')
    if (message) {
      text.textContent = message
      if (lang) text.lang = lang
      else text.removeAttribute('lang')
      this.errors.set(element, message)
    } else {
      text.textContent = ''
      this.errors.delete(element)
    }
    slot.hidden = !message
    element.classList.toggle('govuk-form-group--error', Boolean(message))
    for (const input of element.querySelectorAll('.govuk-input, .govuk-textarea, .govuk-select')) {
      if (input.closest('[data-other-box]')) continue
      const kind = input.classList.contains('govuk-input') ? 'govuk-input' : input.classList.contains('govuk-textarea') ? 'govuk-textarea' : 'govuk-select'
      input.classList.toggle(`${kind}--error`, Boolean(message))
    }
  }

  /** Put answers into ${name} placeholders in texts (and the preview's calculation list). */
  fillOutputs (answersIn) {
    for (const output of document.querySelectorAll('[data-output]')) {
      if (output.closest('template')) continue
      const scope = this.root.contains(output) ? output.closest('[data-instance]') : null
      const value = answersIn(scope)[output.dataset.output] ?? ''
      output.textContent = Array.isArray(value) ? value.join(', ') : toText(value)
    }
  }

  onChange (event) {
    const question = event.target.closest('[data-question]')
    if (question) {
      this.touched.add(question.dataset.field)
      // Back at work on this question: "Other, please say" waits until they move on again.
      this.left.delete(question.dataset.field)
    }
    this.refresh()
  }

  /** Note that the person has moved on from a question (focus went somewhere outside it). */
  onFocusOut (event) {
    const question = event.target.closest('[data-question]')
    if (!question) return
    // Wait for the focus to land: clicking a label inside the question moves it back in.
    setTimeout(() => {
      if (question.isConnected && !question.contains(document.activeElement) &&
          !this.left.has(question.dataset.field)) {
        this.left.add(question.dataset.field)
        this.refresh()
      }
    }, 0)
  }

  /** Check one question as when going on from it; tell whether its answer is fine. */
  attempt (question) {
    this.attempted.add(question.dataset.field)
    this.refresh()
    return !this.errors.has(question)
  }

  hideSummary () {
    const summary = this.root.querySelector('[data-error-summary]')
    if (summary) summary.hidden = true
    const passed = this.root.querySelector('[data-check-passed]')
    if (passed) passed.hidden = true
  }

  onClick (event) {
    const problem = event.target.closest('[data-error-list] a')
    if (problem && this.pages) {
      event.preventDefault()
      const target = document.getElementById(problem.getAttribute('href').slice(1))
      const question = target?.closest('[data-question]')
      if (question) this.pages.show(question, target)
      return
    }
    const button = event.target.closest('button')
    if (!button || !this.root.contains(button)) return
    if ('move' in button.dataset) this.move(button)
    else if ('repeatAdd' in button.dataset) this.addByHand(button)
    else if ('repeatRemove' in button.dataset) this.removeByHand(button)
    else if ('checkAnswers' in button.dataset) this.check()
  }

  addByHand (button) {
    const repeat = button.closest('[data-repeat]')
    const item = this.addInstance(repeat)
    this.numberInstances(repeat)
    if (this.pages) this.pages.added(item)
    this.refresh()
    item.querySelector('input, select, textarea')?.focus()
  }

  removeByHand (button) {
    const item = button.closest('[data-instance]')
    const repeat = item.parentElement
    item.remove()
    this.numberInstances(repeat)
    this.refresh()
    if (this.pages) this.pages.progress.focus() // one at a time: say where we are now
    else repeat.querySelector(':scope > [data-repeat-add]')?.focus()
  }

  /** Move a ranking answer one place, then number every answer in the new order. */
  move (button) {
    const item = button.closest('[data-choice]')
    const list = item.parentElement
    const items = [...list.children]
    const numberOf = element => Number(element.querySelector('select[data-rank]').value) || Infinity
    items.sort((a, b) => numberOf(a) - numberOf(b) || items.indexOf(a) - items.indexOf(b))
    for (const element of items) list.append(element)
    const index = items.indexOf(item)
    const target = button.dataset.move === 'up' ? index - 1 : index + 1
    if (target >= 0 && target < items.length) {
      if (target < index) items[target].before(item)
      else items[target].after(item)
    }
    ;[...list.children].forEach((element, position) => {
      element.querySelector('select[data-rank]').value = String(position + 1)
    })
    button.focus()
    const status = list.parentElement.querySelector('[data-ranking-status]')
    if (status) {
      const label = item.querySelector('[data-speak]')?.textContent.trim() || item.dataset.choice
      status.textContent = fill(this.messages.moved || '', {
        choice: label, position: [...list.children].indexOf(item) + 1
      })
    }
    this.touched.add(button.closest('[data-question]').dataset.field)
    this.refresh()
  }

  /** Check every answer, list the problems at the top, and say when all is well. */
  check () {
    this.checked = true
    this.refresh()
    const summary = this.root.querySelector('[data-error-summary]')
    const list = summary?.querySelector('[data-error-list]')
    const passed = this.root.querySelector('[data-check-passed]')
    const problems = this.questions().filter(element => this.relevant.has(element) && this.errors.has(element))
    if (list) {
      list.replaceChildren(...problems.map(element => {
        const link = document.createElement('a')
        const target = element.querySelector('input:not([type=hidden]), select, textarea')
        link.href = `#${target ? target.id : element.id}`
        link.textContent = this.errors.get(element)
        const row = document.createElement('li')
        row.append(link)
        return row
      }))
    }
    if (summary) summary.hidden = problems.length === 0
    if (passed) passed.hidden = problems.length !== 0
    if (problems.length && summary) summary.focus()
  }
}

for (const root of document.querySelectorAll('[data-interview]')) {
  root.interview = new Interview(root)
}
