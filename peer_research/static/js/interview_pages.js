// One question per screen: a mode of the interview renderer (interview.js), for the preview
// now and the tablet interview later. The questions are the same elements as in the whole
// form; this only chooses which one shows. Back and Next move between the questions that are
// asked now (relevance is worked out live, so a question that stops being asked drops out),
// "Question 3 of 12" says where the person is, and after the last question comes the end,
// where the answers can be checked. Without JavaScript every question shows.

const END = 'end'

function fill (template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => key in values ? values[key] : whole)
}

export class Pages {
  constructor (interview) {
    this.interview = interview
    this.root = interview.root
    this.progress = this.root.querySelector('[data-progress]')
    this.controls = this.root.querySelector('[data-pager]')
    this.back = this.controls.querySelector('[data-page-back]')
    this.next = this.controls.querySelector('[data-page-next]')
    this.current = null // a question, an empty repeat (its "Add another"), or END
    this.index = 0 // where the current screen was, should it disappear
    this.shown = null // the screen last shown, to tell when it changes
    this.root.classList.add('app-interview--paged')
    this.progress.hidden = false
    this.controls.hidden = false
    this.back.addEventListener('click', () => this.go(-1))
    this.next.addEventListener('click', () => this.go(1))
  }

  /** The screens asked now, in order: relevant questions, and repeats waiting for a first item. */
  screens () {
    const interview = this.interview
    return [...this.root.querySelectorAll('[data-question], [data-repeat]')]
      .filter(element => !element.closest('template'))
      .filter(element => element.matches('[data-question]')
        ? element.dataset.type !== 'calculate' && interview.relevant.has(element)
        : this.waitingRepeat(element))
  }

  waitingRepeat (repeat) {
    const section = repeat.closest('[data-section]')
    return !repeat.dataset.repeatCount && this.interview.relevant.has(section) &&
      this.interview.instances(repeat).length === 0
  }

  /** Show only the current screen (called after every refresh of the interview). */
  apply () {
    const screens = this.screens()
    if (this.current !== END && !screens.includes(this.current)) {
      this.current = screens[Math.min(this.index, screens.length - 1)] ?? END
    }
    const current = this.current
    this.index = current === END ? screens.length : screens.indexOf(current)
    const holds = element => current !== END && element.contains(current)
    for (const question of this.root.querySelectorAll('[data-question]')) {
      if (question !== current && question.dataset.type !== 'calculate') question.hidden = true
    }
    for (const section of this.root.querySelectorAll('[data-section]')) {
      if (!holds(section)) section.hidden = true
    }
    for (const item of this.root.querySelectorAll('[data-instance]')) item.hidden = !holds(item)
    for (const button of this.root.querySelectorAll('[data-repeat-add]')) {
      const repeat = button.closest('[data-repeat]')
      const items = this.interview.instances(repeat)
      button.hidden = !(current === repeat || (items.length && holds(items[items.length - 1])))
    }
    for (const button of this.root.querySelectorAll('[data-repeat-remove]')) {
      button.hidden = !holds(button.closest('[data-instance]'))
    }
    for (const check of this.root.querySelectorAll('[data-check]')) check.hidden = current !== END
    const messages = this.interview.messages
    this.progress.textContent = current === END
      ? messages.end
      : fill(messages.progress || '', { number: this.index + 1, total: screens.length })
    this.back.hidden = this.index === 0
    this.next.hidden = current === END
    if (current !== this.shown) {
      this.shown = current
      // The tablet interview keeps where the person is and builds "Check your answers".
      this.root.dispatchEvent(new CustomEvent('interview:screen', { detail: { screen: current } }))
    }
  }

  /** Tell whether the end (after the last question) is showing. */
  atEnd () {
    return this.current === END
  }

  /** Go on to the next screen without checking this answer (the person chose not to answer). */
  skip () {
    const screens = this.screens()
    this.current = screens[this.index + 1] ?? END
    this.interview.hideSummary()
    this.interview.refresh()
    this.progress.focus()
  }

  /** Go to the end, after the last question. */
  showEnd () {
    this.current = END
    this.interview.refresh()
    this.progress.focus()
  }

  /** Go one screen on (once the current answer is fine) or back; then say where we are. */
  go (step) {
    const current = this.current
    if (step > 0 && current !== END && current.matches('[data-question]') &&
        !this.interview.attempt(current)) {
      this.focusProblem(current)
      return
    }
    const screens = this.screens()
    const target = this.index + step
    if (target < 0) return
    this.current = target >= screens.length ? END : screens[target]
    this.interview.hideSummary()
    this.interview.refresh()
    this.progress.focus()
  }

  /** Put the cursor where the problem is: the "other" box, or the question's first answer. */
  focusProblem (question) {
    const box = question.querySelector('[data-other-text]')
    const other = box && this.interview.errors.get(question) === this.interview.messages.other
    const target = other ? box : question.querySelector('input:not([type=hidden]), select, textarea')
    target?.focus()
  }

  /** Go to a question's screen (from the list of problems) and put the cursor in it. */
  show (question, target) {
    this.current = question
    this.interview.refresh()
    target?.focus()
  }

  /** After "Add another": go to the new item's first question. */
  added (item) {
    const first = item.querySelector('[data-question]:not([data-type=calculate])')
    if (first) this.current = first
  }
}
