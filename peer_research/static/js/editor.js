// Questionnaire editor: check each logic field as it is typed. Syntax is checked here with
// the same parser the tablet uses; names and types are checked by the server, which knows
// the other questions. Saving checks everything again, so this is a help, not a gate.
import { parse, LogicSyntaxError } from './logic.js'

const form = document.querySelector('form[data-logic-check]')
const WAIT_MS = 400

function show (status, problems) {
  status.textContent = problems.length ? problems.join(' ') : (status.dataset.okMessage || '✓')
  status.classList.toggle('app-logic-status--problem', problems.length > 0)
}

async function serverProblems (input) {
  const response = await fetch(form.dataset.logicCheck, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'X-CSRFToken': form.querySelector('input[name="csrf_token"]').value
    },
    body: JSON.stringify({
      field: input.dataset.logicField,
      expression: input.value,
      name: form.dataset.itemName
    })
  })
  if (!response.ok) return []
  return (await response.json()).problems
}

async function check (input, status) {
  if (!input.value.trim()) {
    status.textContent = ''
    return
  }
  try {
    parse(input.value)
  } catch (error) {
    if (error instanceof LogicSyntaxError) return show(status, [error.message])
    throw error
  }
  try {
    show(status, await serverProblems(input))
  } catch {
    status.textContent = '' // offline or the server is busy: saving will check again
  }
}

if (form) {
  for (const input of form.querySelectorAll('[data-logic-field]')) {
    const status = document.getElementById(`${input.id}-live`)
    let timer
    input.addEventListener('input', () => {
      clearTimeout(timer)
      timer = setTimeout(() => check(input, status), WAIT_MS)
    })
  }
}
