// The questionnaire logic language (the XLSForm expression subset) for the tablet, offline.
// It mirrors the Python package surveys/logic line for line: same grammar, limits, messages
// and results; both run tests/surveys/logic_vectors.json. No eval: the CSP forbids it.
// Positions and lengths count Unicode characters (code points), as Python does.

const MAX_LENGTH = 2000 // characters of the parts, not counting spaces between them
const MAX_RAW_LENGTH = 50000
const MAX_BRACKETS = 100
const MAX_STEPS = 200 // depth of the syntax tree
const TOO_LONG = 'this expression is too long (the most is 2,000 characters, not counting spaces)'
const TOO_MANY_BRACKETS = 'this expression has too many brackets inside each other (the most is 100)'
const TOO_COMPLICATED = 'this expression is too complicated to work out (more than 200 steps ' +
  'inside each other): split it into smaller calculations'

export class LogicSyntaxError extends Error {
  constructor (message, position, expected = '') {
    super(message)
    this.name = 'LogicSyntaxError'
    this.position = position
    this.expected = expected
  }
}

export class LogicEvaluationError extends Error {
  constructor (message) {
    super(message)
    this.name = 'LogicEvaluationError'
  }
}

const at = (position, text) => `At character ${position + 1}: ${text}`
const fail = (position, text, expected = '') => {
  throw new LogicSyntaxError(at(position, text), position, expected)
}

// --- tokens ------------------------------------------------------------------------------

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\u00a0'])
const KEYWORDS = new Set(['and', 'or', 'div', 'mod'])
const OPERAND_ENDS = new Set(['number', 'string', 'ref', 'current', ')'])
const LEVELS = new Map([
  ['or', 1], ['and', 2], ['=', 3], ['!=', 3], ['<', 4], ['<=', 4], ['>', 4], ['>=', 4],
  ['+', 5], ['-', 5], ['*', 6], ['div', 6], ['mod', 6]
])
const UNARY_LEVEL = 7
const NAME_START = 'A-Z_a-z\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02ff\\u0370-\\u037d' +
  '\\u037f-\\u1fff\\u200c-\\u200d\\u2070-\\u218f\\u2c00-\\u2fef\\u3001-\\ud7ff' +
  '\\uf900-\\ufdcf\\ufdf0-\\ufffd\\u{10000}-\\u{effff}'
const NAME = new RegExp(
  `^[${NAME_START}][${NAME_START}\\-.0-9\\u00b7\\u0300-\\u036f\\u203f-\\u2040]*$`, 'u')
const SMART_QUOTES = new Set(['\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\u201e', '\u201f'])
const HINTS = new Map([
  ['&', "write 'and' instead of &"],
  ['|', "write 'or' instead of |"],
  ['/', 'to divide, write div (for example 10 div 2); paths with / are not used here']
])

const isDigit = c => c !== undefined && c >= '0' && c <= '9'
const isWordStart = c => c !== undefined && (c === '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
const isWordPart = c => isWordStart(c) || isDigit(c) || c === '-'

function shorten (text) {
  const chars = Array.from(text)
  return chars.length <= 20 ? text : chars.slice(0, 20).join('') + '...'
}

const describe = token => token.kind === 'end' ? 'the end of the expression' : `'${shorten(token.text)}'`
const token = (kind, chars, start, end, value = '') =>
  ({ kind, text: chars.slice(start, end).join(''), position: start, length: end - start, value })

class Lexer {
  constructor (chars) {
    this.chars = chars
    this.offset = 0
    this.used = 0
    this.previous = ''
  }

  nextToken () {
    const chars = this.chars
    let offset = this.offset
    while (offset < chars.length && WHITESPACE.has(chars[offset])) offset++
    const next = offset >= chars.length ? token('end', chars, chars.length, chars.length) : this.read(offset)
    this.used += next.length
    if (this.used > MAX_LENGTH) fail(next.position, TOO_LONG)
    this.offset = next.position + next.length
    this.previous = next.kind
    return next
  }

  read (start) {
    const chars = this.chars
    const char = chars[start]
    const following = chars[start + 1]
    if (isDigit(char) || (char === '.' && isDigit(following))) return this.number(start)
    if (isWordStart(char)) return this.word(start)
    if (char === '.') {
      if (following === '.') fail(start, "'..' is not used here: name the question, like ${name}")
      return token('current', chars, start, start + 1)
    }
    if (char === "'" || char === '"') return this.string(start, char)
    if (char === '$') return this.reference(start)
    return this.symbol(start, char, following)
  }

  number (start) {
    const chars = this.chars
    let end = start
    while (isDigit(chars[end])) end++
    if (chars[end] === '.') end++
    while (isDigit(chars[end])) end++
    const number = token('number', chars, start, end)
    if (Number(number.text) === Infinity) fail(start, `the number ${shorten(number.text)} is too big`, 'a smaller number')
    return number
  }

  string (start, quote) {
    const end = this.chars.indexOf(quote, start + 1)
    if (end < 0) fail(start, `the text in quotes that starts here is never closed: add a ${quote}`, quote)
    return token('string', this.chars, start, end + 1, this.chars.slice(start + 1, end).join(''))
  }

  reference (start) {
    const chars = this.chars
    if (chars[start + 1] !== '{') fail(start, 'a question is written like ${name}', "'{'")
    const end = chars.indexOf('}', start + 2)
    if (end < 0) fail(start, "'${' starts a question name but there is no '}' to end it", "'}'")
    const ref = token('ref', chars, start, end + 1, chars.slice(start + 2, end).join(''))
    if (!NAME.test(ref.value)) {
      fail(start, `'${shorten(ref.text)}' is not a question name: names start with a letter or _ ` +
        'and have only letters, digits, _, - and .', 'a question name')
    }
    return ref
  }

  word (start) {
    const chars = this.chars
    let end = start + 1
    while (isWordPart(chars[end])) end++
    const text = chars.slice(start, end).join('')
    const wordKind = KEYWORDS.has(text) ? 'op' : 'word'
    if (OPERAND_ENDS.has(this.previous)) return token(wordKind, chars, start, end)
    let after = end
    while (after < chars.length && WHITESPACE.has(chars[after])) after++
    return token(chars[after] === '(' ? 'function' : wordKind, chars, start, end)
  }

  symbol (start, char, following) {
    const pair = char + (following ?? '')
    if (pair === '!=' || pair === '<=' || pair === '>=') return token('op', this.chars, start, start + 2)
    if (pair === '==') fail(start, 'write = instead of == to compare', "'='")
    if (char === '!') fail(start, 'write not(...) instead of !', 'a value')
    if ('=<>+-*'.includes(char)) return token('op', this.chars, start, start + 1)
    if ('(),'.includes(char)) return token(char, this.chars, start, start + 1)
    if (SMART_QUOTES.has(char)) fail(start, `use a straight quote (' or ") instead of ${char}`, 'a quote')
    if (HINTS.has(char)) fail(start, HINTS.get(char))
    fail(start, `the character '${char}' can't be used here`)
  }
}

// --- parsing -----------------------------------------------------------------------------

const node = fields => Object.freeze(fields)
const parsed = new Map()

export function parse (source) {
  if (typeof source !== 'string') throw new TypeError('an expression is text')
  if (source.length > 2 * MAX_RAW_LENGTH) fail(0, TOO_LONG)
  if (parsed.has(source)) return parsed.get(source)
  const chars = Array.from(source)
  if (chars.length > MAX_RAW_LENGTH) fail(0, TOO_LONG)
  const parser = new Parser(chars)
  if (parser.token.kind === 'end') fail(0, 'this expression is empty', 'a value')
  const [tree] = parser.expression()
  if (parser.token.kind !== 'end') parser.unexpectedAfterValue()
  if (parsed.size > 1000) parsed.clear()
  parsed.set(source, tree)
  return tree
}

class Parser {
  constructor (chars) {
    this.lexer = new Lexer(chars)
    this.brackets = 0
    this.token = this.lexer.nextToken()
  }

  advance () { this.token = this.lexer.nextToken() }

  expression () {
    const operands = [this.unary()]
    const operators = []
    while (this.token.kind === 'op') {
      const operator = this.token
      while (operators.length && LEVELS.get(operators.at(-1).text) >= LEVELS.get(operator.text)) {
        this.reduce(operands, operators.pop())
      }
      operators.push(operator)
      this.advance()
      operands.push(this.unary())
    }
    while (operators.length) this.reduce(operands, operators.pop())
    return operands[0]
  }

  reduce (operands, operator) {
    const [right, rightDepth] = operands.pop()
    const [left, leftDepth] = operands.pop()
    const binary = node({ type: 'binary', op: operator.text, left, right, position: operator.position })
    operands.push(this.build(binary, 1 + Math.max(leftDepth, rightDepth)))
  }

  unary () {
    const minuses = []
    while (this.token.kind === 'op' && this.token.text === '-') {
      minuses.push(this.token)
      this.advance()
    }
    let [operand, depth] = this.primary()
    for (const minus of minuses.reverse()) {
      [operand, depth] = this.build(node({ type: 'negate', operand, position: minus.position }), depth + 1)
    }
    return [operand, depth]
  }

  primary () {
    const { kind, text, position, value } = this.token
    if (kind === '(') return this.group()
    if (kind === 'function') return this.call()
    let leaf
    if (kind === 'number') leaf = { type: 'number', text, value: Number(text), position }
    else if (kind === 'string') leaf = { type: 'string', value, position }
    else if (kind === 'ref') leaf = { type: 'ref', name: value, position }
    else if (kind === 'current') leaf = { type: 'current', position }
    else this.expectedValue(this.token)
    this.advance()
    return [node(leaf), 1]
  }

  group () {
    const opening = this.openBracket()
    const inner = this.expression()
    this.closeBracket(opening, "')'")
    return inner
  }

  call () {
    const name = this.token
    this.advance()
    const opening = this.openBracket()
    const args = []
    if (this.token.kind !== ')') {
      args.push(this.expression())
      while (this.token.kind === ',') {
        this.advance()
        args.push(this.expression())
      }
    }
    this.closeBracket(opening, "',' or ')'")
    const call = node({ type: 'call', name: name.text, args: Object.freeze(args.map(([arg]) => arg)), position: name.position })
    return this.build(call, 1 + Math.max(0, ...args.map(([, depth]) => depth)))
  }

  openBracket () {
    const opening = this.token
    this.brackets += 1
    if (this.brackets > MAX_BRACKETS) fail(opening.position, TOO_MANY_BRACKETS)
    this.advance()
    return opening
  }

  closeBracket (opening, expected) {
    if (this.token.kind !== ')') {
      this.fail(`expected ${expected} to close the bracket opened at character ${opening.position + 1}`, expected)
    }
    this.brackets -= 1
    this.advance()
  }

  build (tree, depth) {
    if (depth > MAX_STEPS) fail(tree.position, TOO_COMPLICATED)
    return [tree, depth]
  }

  expectedValue (token) {
    if (token.kind === 'end') this.fail('expected a value, but the expression ends here', 'a value')
    if (token.kind === 'word' && (token.text === 'true' || token.text === 'false')) {
      this.fail(`write ${token.text}() with brackets`, 'a value')
    }
    if (token.kind === 'word') {
      this.fail(`'${token.text}' is not a question or a function: write a question like \${${token.text}}`, 'a value')
    }
    this.fail('expected a value (a number, text in quotes, a ${question} or a function) ' +
      `but found ${describe(token)}`, 'a value')
  }

  unexpectedAfterValue () {
    if (this.token.kind === ')') this.fail("there is a ')' here without a '(' before it", 'an operator or the end')
    this.fail("expected an operator (such as 'and', '=' or '+') or the end of the expression, " +
      `but found ${describe(this.token)}`, 'an operator or the end')
  }

  fail (text, expected) { fail(this.token.position, text, expected) }
}

// --- printing ----------------------------------------------------------------------------

const levelOf = tree => tree.type === 'binary' ? LEVELS.get(tree.op) : tree.type === 'negate' ? UNARY_LEVEL : UNARY_LEVEL + 1
const wrap = (tree, brackets) => brackets ? `(${toSource(tree)})` : toSource(tree)

/** Return the canonical text of a syntax tree (the same as Python's to_source). */
export function toSource (tree) {
  switch (tree.type) {
    case 'binary': {
      const level = LEVELS.get(tree.op)
      return `${wrap(tree.left, levelOf(tree.left) < level)} ${tree.op} ${wrap(tree.right, levelOf(tree.right) <= level)}`
    }
    case 'negate': return '-' + wrap(tree.operand, levelOf(tree.operand) < UNARY_LEVEL)
    case 'call': return `${tree.name}(${tree.args.map(toSource).join(', ')})`
    case 'number': return tree.text
    case 'string': return tree.value.includes("'") ? `"${tree.value}"` : `'${tree.value}'`
    case 'ref': return `\${${tree.name}}`
    case 'current': return '.'
  }
  throw new TypeError('not a logic node')
}

/** Return the names of the questions an expression uses through ${...}. */
export function references (expression) {
  const names = new Set()
  const pending = [typeof expression === 'string' ? parse(expression) : expression]
  while (pending.length) {
    const tree = pending.pop()
    if (tree.type === 'ref') names.add(tree.name)
    else if (tree.type === 'negate') pending.push(tree.operand)
    else if (tree.type === 'binary') pending.push(tree.left, tree.right)
    else if (tree.type === 'call') pending.push(...tree.args)
  }
  return names
}

// --- values ------------------------------------------------------------------------------

const NUMBER_TEXT = /^[ \t\n\r]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\n\r]*$/
const DATE_TEXT = /^[ \t\n\r]*([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\r]*$/
const SPACES = /[ \t\n\r]+/g

function answerValue (raw) {
  if (raw === null || raw === undefined) return ''
  if (typeof raw === 'boolean' || typeof raw === 'string' || typeof raw === 'number') return raw
  if (Array.isArray(raw)) return raw.map(item => toText(answerValue(item))).join(' ')
  return String(raw)
}

function lookup (answers, name) {
  if (answers instanceof Map) return answerValue(answers.get(name))
  return answerValue(Object.prototype.hasOwnProperty.call(answers, name) ? answers[name] : undefined)
}

// The shortest round-trip digits of a positive number: value = 0.digits × 10^point.
function decimalParts (number) {
  const [mantissa, exponent = '0'] = String(number).split('e')
  const [whole, fraction = ''] = mantissa.split('.')
  let digits = whole + fraction
  let point = whole.length + Number(exponent)
  const zeros = digits.length - digits.replace(/^0+/, '').length
  digits = digits.slice(zeros).replace(/0+$/, '')
  point -= zeros
  return { digits, point }
}

function numberToText (number) {
  if (Number.isNaN(number)) return 'NaN'
  if (!Number.isFinite(number)) return number > 0 ? 'Infinity' : '-Infinity'
  if (number === 0) return '0'
  const { digits, point } = decimalParts(Math.abs(number))
  const sign = number < 0 ? '-' : ''
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** Convert a value to text as XPath's string() does (3 not 3.0, no exponents). */
export function toText (value) {
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return numberToText(value)
  return value
}

/** Convert a value to a number: text must look like a number or a YYYY-MM-DD date, else NaN. */
export function toNumber (value) {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return value
  const match = NUMBER_TEXT.exec(value)
  return match ? parseFloat(match[1]) : dateToDays(value)
}

/** Convert a value to true/false: non-empty text and numbers other than 0 and NaN are true. */
export function toBoolean (value) {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return !(value === 0 || Number.isNaN(value))
  return value !== ''
}

function daysInMonth (year, month) {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function dateToDays (text) {
  const match = DATE_TEXT.exec(text)
  if (!match) return NaN
  const [year, month, day] = match.slice(1).map(Number)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN
  return daysFromCivil(year, month, day)
}

// Howard Hinnant's civil-calendar algorithms, as in surveys/logic/values.py.
function daysFromCivil (year, month, day) {
  year -= month <= 2 ? 1 : 0
  const era = Math.floor(year / 400)
  const yearOfEra = year - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146097 + dayOfEra - 719468
}

function daysToDate (days) {
  if (!Number.isFinite(days)) return ''
  const whole = Math.floor(days) + 719468
  const era = Math.floor(whole / 146097)
  const dayOfEra = whole - era * 146097
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) -
    Math.floor(dayOfEra / 146096)) / 365)
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1
  const month = shiftedMonth + (shiftedMonth < 10 ? 3 : -9)
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  if (year < 1 || year > 9999) return ''
  const pad = (number, width) => String(number).padStart(width, '0')
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}

const choices = value => toText(value).split(SPACES).filter(Boolean)
const trim = text => text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '')
const codePoints = text => Array.from(text)

function compareText (a, b) {
  const x = codePoints(a)
  const y = codePoints(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0) ? -1 : 1
  }
  return x.length - y.length
}

function equals (left, right) {
  if (typeof left === 'boolean' || typeof right === 'boolean') return toBoolean(left) === toBoolean(right)
  if (typeof left === 'number' || typeof right === 'number') return toNumber(left) === toNumber(right)
  return left === right
}

const ORDER = {
  '<': (x, y) => x < y, '<=': (x, y) => x <= y, '>': (x, y) => x > y, '>=': (x, y) => x >= y
}

function order (op, left, right) {
  if (typeof left === 'string' && typeof right === 'string') {
    if (left === '' || right === '') return false
    const x = toNumber(left)
    const y = toNumber(right)
    if (Number.isNaN(x) || Number.isNaN(y)) return ORDER[op](compareText(left, right), 0)
    return ORDER[op](x, y)
  }
  return ORDER[op](toNumber(left), toNumber(right))
}

const ARITHMETIC = {
  '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, div: (x, y) => x / y, mod: (x, y) => x % y
}

// Round the number as written (its shortest digits) to `places`, halves away from zero.
function roundHalfAway (number, places) {
  places = Math.trunc(places)
  if (Number.isNaN(places)) return NaN
  if (!Number.isFinite(number) || number === 0) return number
  const { digits, point } = decimalParts(Math.abs(number))
  const keep = point + places
  if (keep >= digits.length) return number
  let kept = keep > 0 ? BigInt(digits.slice(0, keep)) : 0n
  if (keep >= 0 && digits[keep] >= '5') kept += 1n
  const result = Number(`${kept}e${-places}`)
  return number < 0 ? -result : result
}

// --- regular expressions: the subset that means the same in Python and JavaScript ---------

class PatternError extends Error {}

const SYNTAX = '^$\\.*+?()[]{}|/-'
const CONTROL = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v' }
const CONTROL_ESCAPES = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\f': '\\f', '\v': '\\v' }
const SPACE_CLASS = ' \\t\\n\\r\\f\\v'
const REPEAT = /^\{([0-9]+)(?:(,)([0-9]*))?\}/
const patterns = new Map()

function escapeLiteral (char, inClass) {
  if (CONTROL_ESCAPES[char]) return CONTROL_ESCAPES[char]
  const special = inClass ? SYNTAX : SYNTAX.slice(0, -1)
  return special.includes(char) ? '\\' + char : char
}

class PatternReader {
  constructor (pattern) {
    this.chars = Array.from(pattern)
    this.index = 0
  }

  more () { return this.index < this.chars.length }
  peek (ahead = 0) { return this.chars[this.index + ahead] ?? '' }
  take () { return this.chars[this.index++] }

  alternatives () {
    const parts = [this.sequence()]
    while (this.peek() === '|') {
      this.index++
      parts.push(this.sequence())
    }
    return parts.join('|')
  }

  sequence () {
    let text = ''
    while (this.more() && this.peek() !== '|' && this.peek() !== ')') text += this.term()
    return text
  }

  term () {
    const char = this.peek()
    if (char === '^' || char === '$') {
      this.index++
      return this.noRepeat(char)
    }
    if (char === '\\' && (this.peek(1) === 'b' || this.peek(1) === 'B')) {
      this.index += 2
      return this.noRepeat('\\' + this.chars[this.index - 1])
    }
    if (char === '(' && this.peek(1) === '?' && (this.peek(2) === '=' || this.peek(2) === '!')) {
      const kind = this.peek(2)
      this.index += 3
      const inner = this.alternatives()
      this.closeGroup()
      return this.noRepeat(`(?${kind}${inner})`)
    }
    return this.atom() + this.repeat()
  }

  noRepeat (text) {
    if ('*+?{'.includes(this.peek()) && this.more()) throw new PatternError(`'${this.peek()}' has nothing before it to repeat`)
    return text
  }

  atom () {
    const char = this.take()
    if (char === '(') return this.group()
    if (char === '[') return this.characterClass()
    if (char === '.') return '[^\\n]'
    if (char === '\\') return this.escape()
    if ('*+?{'.includes(char)) throw new PatternError(`'${char}' has nothing before it to repeat`)
    return escapeLiteral(char, false)
  }

  group () {
    let prefix = '('
    if (this.peek() === '?') {
      if (this.peek(1) !== ':') throw new PatternError(groupProblem(this.peek(1), this.peek(2)))
      this.index += 2
      prefix = '(?:'
    }
    const inner = this.alternatives()
    this.closeGroup()
    return `${prefix}${inner})`
  }

  closeGroup () {
    if (this.peek() !== ')') throw new PatternError("a '(' is never closed with ')'")
    this.index++
  }

  escape () {
    if (!this.more()) throw new PatternError("a pattern can't end with \\")
    const char = this.take()
    if ('dDwW'.includes(char)) return '\\' + char
    if (char === 's') return `[${SPACE_CLASS}]`
    if (char === 'S') return `[^${SPACE_CLASS}]`
    if (CONTROL[char]) return '\\' + char
    if (SYNTAX.includes(char)) return escapeLiteral(char, false)
    throw new PatternError(escapeProblem(char))
  }

  repeat () {
    const char = this.peek()
    let text
    if (char === '*' || char === '+' || char === '?') {
      this.index++
      text = char
    } else if (char === '{') {
      text = this.countedRepeat()
    } else {
      return ''
    }
    if (this.peek() === '?') {
      this.index++
      text += '?'
    }
    if (this.more() && '*+?{'.includes(this.peek())) throw new PatternError('two repeat signs in a row are not supported')
    return text
  }

  countedRepeat () {
    const match = REPEAT.exec(this.chars.slice(this.index).join(''))
    if (!match) throw new PatternError('write \\{ for a curly bracket; a repeat looks like {2} or {2,5}')
    const [text, low, , high] = match
    if (Number(low) > 1000 || (high && Number(high) > 1000)) throw new PatternError('repeat counts above 1000 are not supported')
    if (high && Number(high) < Number(low)) throw new PatternError(`in ${text} the first number is bigger than the second`)
    this.index += text.length
    return text
  }

  characterClass () {
    const negate = this.peek() === '^'
    if (negate) this.index++
    if (this.peek() === ']') throw new PatternError("'[]' with nothing inside can't be used; write \\] for a ]")
    let items = ''
    for (;;) {
      if (!this.more()) throw new PatternError("a '[' is never closed with ']'")
      if (this.peek() === ']') {
        this.index++
        return `[${negate ? '^' : ''}${items}]`
      }
      items += this.classItem()
    }
  }

  classItem () {
    const first = this.classAtom()
    if (this.peek() !== '-' || this.peek(1) === ']' || this.peek(1) === '') {
      return first.single ? escapeLiteral(first.text, true) : first.text
    }
    this.index++
    const last = this.classAtom()
    if (!first.single || !last.single) throw new PatternError('a range like a-z needs one character at each end')
    if (first.text.codePointAt(0) > last.text.codePointAt(0)) {
      throw new PatternError(`the range ${first.text}-${last.text} is backwards`)
    }
    return `${escapeLiteral(first.text, true)}-${escapeLiteral(last.text, true)}`
  }

  classAtom () {
    let char = this.take()
    if (char !== '\\') return { text: char, single: true }
    if (!this.more()) throw new PatternError("a pattern can't end with \\")
    char = this.take()
    if ('dDwW'.includes(char)) return { text: '\\' + char, single: false }
    if (char === 's') return { text: SPACE_CLASS, single: false }
    if (char === 'S' || char === 'b' || char === 'B') throw new PatternError(`\\${char} can't be used inside [ ]`)
    if (CONTROL[char]) return { text: CONTROL[char], single: true }
    if (SYNTAX.includes(char)) return { text: char, single: true }
    throw new PatternError(escapeProblem(char))
  }
}

function groupProblem (second, third) {
  if (second === '<' && (third === '=' || third === '!')) return 'look-behind (?<= or (?<! is not supported'
  if (second === '<' || second === 'P') return 'named groups are not supported'
  return '(? with options is not supported; use (?: for a group'
}

function escapeProblem (char) {
  if (isDigit(char)) return `back-references like \\${char} are not supported`
  return `\\${char} is not supported in patterns`
}

function compilePattern (pattern) {
  if (!patterns.has(pattern)) {
    if (patterns.size > 500) patterns.clear()
    try {
      const reader = new PatternReader(pattern)
      const text = reader.alternatives()
      if (reader.more()) throw new PatternError("a ')' has no '(' before it")
      patterns.set(pattern, new RegExp(text, 'u'))
    } catch (error) {
      if (!(error instanceof PatternError)) throw error
      patterns.set(pattern, error)
    }
  }
  const compiled = patterns.get(pattern)
  if (compiled instanceof PatternError) {
    throw new LogicEvaluationError(`The pattern in regex() can't be used: ${compiled.message}`)
  }
  return compiled
}

// --- functions ---------------------------------------------------------------------------

const clampIndex = (number, bound) => Number.isNaN(number) ? 0 : Math.max(0, Math.min(bound, Math.trunc(number)))
const one = convert => values => convert(values[0])
const texts = test => values => test(toText(values[0]), toText(values[1]))
// Math.min and Math.max already put -0 below 0, like the Python.
const extreme = pick => values => pick(...values.map(toNumber))

function substr ([value, start, end]) {
  const chars = codePoints(toText(value))
  const from = clampIndex(toNumber(start), chars.length)
  const to = end === undefined ? chars.length : clampIndex(toNumber(end), chars.length)
  return chars.slice(from, to).join('')
}

function selectedAt ([value, place]) {
  const items = choices(value)
  const index = Math.trunc(toNumber(place))
  return index >= 0 && index < items.length ? items[index] : ''
}

const FUNCTIONS = new Map(Object.entries({
  selected: [2, 2, values => choices(values[0]).includes(trim(toText(values[1])))],
  'count-selected': [1, 1, one(value => choices(value).length)],
  'selected-at': [2, 2, selectedAt],
  'string-length': [1, 1, one(value => codePoints(toText(value)).length)],
  regex: [2, 2, values => compilePattern(toText(values[1])).test(toText(values[0]))],
  if: [3, 3, (nodes, evaluate) => evaluate(toBoolean(evaluate(nodes[0])) ? nodes[1] : nodes[2]), true],
  coalesce: [2, null, (nodes, evaluate) => {
    for (const tree of nodes.slice(0, -1)) {
      const value = evaluate(tree)
      if (toText(value) !== '') return value
    }
    return evaluate(nodes.at(-1))
  }, true],
  concat: [1, null, values => values.map(toText).join('')],
  today: [0, 0, (values, interview) => interview.today],
  date: [1, 1, one(value => daysToDate(toNumber(value)))],
  int: [1, 1, one(value => Math.trunc(toNumber(value)))],
  number: [1, 1, one(toNumber)],
  round: [1, 2, values => roundHalfAway(toNumber(values[0]), values.length > 1 ? toNumber(values[1]) : 0)],
  floor: [1, 1, one(value => Math.floor(toNumber(value)))],
  ceiling: [1, 1, one(value => Math.ceil(toNumber(value)))],
  abs: [1, 1, one(value => Math.abs(toNumber(value)))],
  min: [1, null, extreme(Math.min)],
  max: [1, null, extreme(Math.max)],
  true: [0, 0, () => true],
  false: [0, 0, () => false],
  not: [1, 1, one(value => !toBoolean(value))],
  boolean: [1, 1, one(toBoolean)],
  string: [1, 1, one(toText)],
  'boolean-from-string': [1, 1, one(value => toText(value) === 'true' || toText(value) === '1')],
  contains: [2, 2, texts((text, part) => text.includes(part))],
  'starts-with': [2, 2, texts((text, part) => text.startsWith(part))],
  'ends-with': [2, 2, texts((text, part) => text.endsWith(part))],
  substr: [2, 3, substr],
  'normalize-space': [1, 1, one(value => toText(value).replace(SPACES, ' ').replace(/^ | $/g, ''))]
}))

function arityProblem (name, count) {
  const [minimum, maximum] = FUNCTIONS.get(name)
  if (minimum <= count && (maximum === null || count <= maximum)) return null
  const values = n => n === 1 ? '1 value' : `${n} values`
  let wanted
  if (maximum === 0) wanted = 'nothing'
  else if (maximum === null) wanted = `at least ${values(minimum)}`
  else if (maximum === minimum) wanted = values(minimum)
  else wanted = `${minimum} or ${values(maximum)}`
  return `The function ${name}() takes ${wanted} inside its brackets, but has ${count}`
}

// --- evaluation --------------------------------------------------------------------------

function localToday () {
  const now = new Date()
  const pad = number => String(number).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

function todayText (today) {
  if (today instanceof Date) {
    const pad = number => String(number).padStart(2, '0')
    return `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`
  }
  return typeof today === 'string' ? today : localToday()
}

/**
 * Work out an expression (text or a tree from parse) for one interview's answers: a string,
 * number or boolean, exactly as surveys.logic.evaluate does. `current` is what `.` stands for;
 * `today` ('YYYY-MM-DD' or a Date) is what today() returns (the tablet's date by default).
 */
export function evaluate (expression, answers = {}, current = null, { today } = {}) {
  const tree = typeof expression === 'string' ? parse(expression) : expression
  const interview = { answers: answers ?? {}, current: answerValue(current), today: todayText(today) }
  const run = item => evaluateNode(item, interview, run)
  return run(tree)
}

function evaluateNode (tree, interview, run) {
  switch (tree.type) {
    case 'binary': return evaluateBinary(tree, run)
    case 'ref': return lookup(interview.answers, tree.name)
    case 'string':
    case 'number': return tree.value
    case 'call': return evaluateCall(tree, interview, run)
    case 'current': return interview.current
    case 'negate': return -toNumber(run(tree.operand))
  }
  throw new TypeError('not a logic node')
}

function evaluateBinary ({ op, left, right }, run) {
  if (op === 'and') return toBoolean(run(left)) && toBoolean(run(right))
  if (op === 'or') return toBoolean(run(left)) || toBoolean(run(right))
  const x = run(left)
  const y = run(right)
  if (op === '=') return equals(x, y)
  if (op === '!=') return !equals(x, y)
  if (ORDER[op]) return order(op, x, y)
  return ARITHMETIC[op](toNumber(x), toNumber(y))
}

function evaluateCall ({ name, args }, interview, run) {
  const definition = FUNCTIONS.get(name)
  if (!definition) throw new LogicEvaluationError(`There is no function called '${name}'`)
  const problem = arityProblem(name, args.length)
  if (problem) throw new LogicEvaluationError(problem)
  const [, , work, lazy] = definition
  return lazy ? work(args, run) : work(args.map(run), interview)
}
