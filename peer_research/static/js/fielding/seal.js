// Seal a participant's identifiable details (name, contact details, signature, witness or
// consultee) with the study's public key before anything is stored on the tablet. Only the
// study's private key, kept on the server in a file, can open the envelope again:
// a fresh AES-256-GCM key encrypts the UTF-8 JSON of the details, and RSA-OAEP (SHA-256)
// wraps that key. The envelope's shape is the one consent.keys opens (consent-contract.md).

const ALGORITHM = 'RSA-OAEP-256+A256GCM'

const fromBase64 = text => Uint8Array.from(atob(text), char => char.charCodeAt(0))

function toBase64 (buffer) {
  const bytes = new Uint8Array(buffer)
  let text = ''
  for (let start = 0; start < bytes.length; start += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(start, start + 0x8000))
  }
  return btoa(text)
}

/** Return the details with every field the contract names (null when not given). */
export function completeDetails (details) {
  return {
    name: details.name,
    contact: details.contact || null,
    signature: details.signature || null,
    typed_name: details.typed_name || null,
    witness: details.witness || null,
    consultee: details.consultee || null
  }
}

/** Seal the details with the study's key ({kid, spki}: spki is base64 DER); resolve with
the envelope. Nothing of the details is kept: the AES key lives only inside this call. */
export async function seal (details, key) {
  const subtle = crypto.subtle
  const publicKey = await subtle.importKey('spki', fromBase64(key.spki),
    { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey'])
  const contentKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt'])
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const plain = new TextEncoder().encode(JSON.stringify(completeDetails(details)))
  const data = await subtle.encrypt({ name: 'AES-GCM', iv }, contentKey, plain)
  const wrapped = await subtle.wrapKey('raw', contentKey, publicKey, { name: 'RSA-OAEP' })
  return {
    v: 1,
    alg: ALGORITHM,
    kid: key.kid,
    key: toBase64(wrapped),
    iv: toBase64(iv),
    data: toBase64(data)
  }
}
