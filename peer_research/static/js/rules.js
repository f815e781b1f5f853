// The question form, better with JavaScript (templates/surveys/question_form.html and
// _rule_builder.html). Without it every step is a form post and works the same.
// - The condition builder: when a question is chosen, the comparisons that fit it and the
//   fields for its value are drawn at once; "is answered" needs no value, "is between" two.
// - The kind of question: the parts that do not fit it are hidden as soon as it changes.
// The server writes and checks the rule; this only changes what the form shows.

const NO_VALUE = ['answered', 'not_answered']

function element (tag, attributes = {}, text = '') {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text) node.textContent = text
  return node
}

function choiceFields (prefix, data, subject) {
  const fieldset = element('fieldset', { class: 'govuk-fieldset' })
  fieldset.append(element('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s' }, data.words.answers))
  const list = element('div', { class: 'govuk-checkboxes', 'data-module': 'govuk-checkboxes' })
  subject.choices.forEach(([name, label], index) => {
    const id = `${prefix}-value-${index + 1}`
    const item = element('div', { class: 'govuk-checkboxes__item' })
    item.append(
      element('input', { class: 'govuk-checkboxes__input', id, name: `${prefix}-value`, type: 'checkbox', value: name }),
      element('label', { class: 'govuk-label govuk-checkboxes__label', for: id }, label)
    )
    list.append(item)
  })
  fieldset.append(list)
  return [fieldset]
}

function valueInput (id, name, kind) {
  const type = kind === 'date' || kind === 'time' ? kind : 'text'
  const input = element('input', { class: 'govuk-input govuk-input--width-10', id, name, type, spellcheck: 'false' })
  if (kind === 'number') input.setAttribute('inputmode', 'decimal')
  return input
}

function valueFields (prefix, data, kind) {
  const nodes = [element('label', { class: 'govuk-label', for: `${prefix}-value` }, data.words.value)]
  const input = valueInput(`${prefix}-value`, `${prefix}-value`, kind)
  const hint = data.words[kind]
  if (hint) {
    nodes.push(element('div', { class: 'govuk-hint', id: `${prefix}-value-hint` }, hint))
    input.setAttribute('aria-describedby', `${prefix}-value-hint`)
  }
  nodes.push(input)
  if (kind !== 'text') {
    const between = element('div', { 'data-rule-between': '' })
    between.append(
      element('label', { class: 'govuk-label', for: `${prefix}-value-2` }, data.words.between),
      valueInput(`${prefix}-value-2`, `${prefix}-value`, kind)
    )
    nodes.push(between)
  }
  return nodes
}

function showValues (row) {
  const comparison = row.querySelector('[data-rule-comparison]').value
  const values = row.querySelector('[data-rule-values]')
  if (values) values.hidden = NO_VALUE.includes(comparison)
  const between = row.querySelector('[data-rule-between]')
  if (between) between.hidden = comparison !== 'between'
}

function redraw (row, data) {
  const prefix = row.dataset.prefix
  const name = row.querySelector('[data-rule-subject]').value
  const subject = data.subjects[name]
  row.querySelector('[data-rule-shown]').value = name
  row.querySelector('[data-rule-details]').hidden = !subject
  if (!subject) return
  const select = row.querySelector('[data-rule-comparison]')
  const before = select.value
  select.replaceChildren(...data.comparisons[subject.kind].map(([value, words]) => {
    const option = element('option', { value }, words)
    option.selected = value === before
    return option
  }))
  const values = row.querySelector('[data-rule-values]')
  values.className = 'govuk-form-group'
  if (subject.kind === 'one_choice' || subject.kind === 'many_choices') {
    values.replaceChildren(...choiceFields(prefix, data, subject))
  } else if (subject.kind === 'answer') {
    values.replaceChildren()
  } else {
    values.replaceChildren(...valueFields(prefix, data, subject.kind))
  }
  showValues(row)
}

function startBuilder (builder) {
  const data = JSON.parse(builder.dataset.ruleBuilder)
  builder.ruleData = data
  for (const row of builder.querySelectorAll('[data-rule-row]')) {
    row.querySelector('[data-rule-subject]').addEventListener('change', () => redraw(row, data))
    row.querySelector('[data-rule-comparison]').addEventListener('change', () => showValues(row))
    showValues(row)
  }
}

function fitKind (kind) {
  for (const part of document.querySelectorAll('[data-fits]')) {
    part.hidden = !(part.dataset.fits.split(' ').includes(kind) || part.hasAttribute('data-keep'))
  }
  // "This answer" in a constraint is of the new kind now.
  for (const builder of document.querySelectorAll('[data-rule-builder]')) {
    const current = builder.ruleData && builder.ruleData.subjects['.']
    if (!current) continue
    current.kind = builder.ruleData.kinds[kind] || 'answer'
    for (const row of builder.querySelectorAll('[data-rule-row]')) {
      if (row.querySelector('[data-rule-subject]').value === '.') redraw(row, builder.ruleData)
    }
  }
}

for (const hint of document.querySelectorAll('[data-rule-nojs]')) hint.hidden = true
for (const builder of document.querySelectorAll('[data-rule-builder]')) startBuilder(builder)
const kindSelect = document.querySelector('select[name="type"]')
if (kindSelect && document.querySelector('[data-fits]')) {
  kindSelect.addEventListener('change', () => fitKind(kindSelect.value))
}
