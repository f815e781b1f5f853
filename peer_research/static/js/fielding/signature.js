// A box to sign in with a finger, a stylus or a mouse (a <canvas>), for the consent step.
// The signature leaves the box only as a PNG that consent_app.js seals at once.

const LARGEST_PNG = 200 * 1024 // bytes: the server refuses bigger signature images

export class SignaturePad {
  constructor (canvas) {
    this.canvas = canvas
    this.context = canvas.getContext('2d')
    this.strokes = 0
    this.last = null
    canvas.style.touchAction = 'none' // the finger signs; it does not scroll the page
    canvas.style.display = 'block'
    canvas.style.background = '#fff'
    canvas.addEventListener('pointerdown', event => this.start(event))
    canvas.addEventListener('pointermove', event => this.move(event))
    for (const name of ['pointerup', 'pointercancel', 'pointerleave']) {
      canvas.addEventListener(name, () => { this.last = null })
    }
  }

  /** Fit the box to the width it has on screen (when it is shown), and empty it. */
  fit () {
    const width = this.canvas.parentElement.clientWidth
    if (width && width !== this.canvas.width) this.canvas.width = width
    this.clear()
  }

  point (event) {
    const box = this.canvas.getBoundingClientRect()
    return {
      x: (event.clientX - box.left) * (this.canvas.width / box.width),
      y: (event.clientY - box.top) * (this.canvas.height / box.height)
    }
  }

  start (event) {
    event.preventDefault()
    this.canvas.setPointerCapture?.(event.pointerId)
    this.last = this.point(event)
    this.strokes += 1
    this.line(this.last, { x: this.last.x + 0.5, y: this.last.y + 0.5 }) // a dot
  }

  move (event) {
    if (!this.last) return
    event.preventDefault()
    const next = this.point(event)
    this.line(this.last, next)
    this.last = next
  }

  line (from, to) {
    const context = this.context
    context.lineWidth = 3
    context.lineCap = 'round'
    context.lineJoin = 'round'
    context.strokeStyle = '#0b0c0c'
    context.beginPath()
    context.moveTo(from.x, from.y)
    context.lineTo(to.x, to.y)
    context.stroke()
  }

  /** Empty the box. */
  clear () {
    this.context.clearRect(0, 0, this.canvas.width, this.canvas.height)
    this.strokes = 0
    this.last = null
  }

  isEmpty () {
    return this.strokes === 0
  }

  /** Return the signature as a PNG data address, or null when it is too big to keep. */
  image () {
    const address = this.canvas.toDataURL('image/png')
    const bytes = Math.floor((address.length - address.indexOf(',') - 1) * 3 / 4)
    return bytes > LARGEST_PNG ? null : address
  }
}
