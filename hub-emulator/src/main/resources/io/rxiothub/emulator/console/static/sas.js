// Service credentials in the browser: a connection string is turned into a SAS token here (WebCrypto HMAC-SHA256,
// docs/service-api.md §3); only the token is kept, in this tab's sessionStorage. The key never leaves this module.

const KEY = 'rxiothub.console.session';
/** How long a signed session lasts. */
export const SESSION_SECONDS = 3600;

function fields(text) {
  const out = {};
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

function base64Bytes(text) {
  let binary;
  try {
    binary = atob(text);
  } catch (e) {
    throw new Error('SharedAccessKey is not base64: copy the whole key from the connection string');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function bytesBase64(buffer) {
  let binary = '';
  for (const b of new Uint8Array(buffer)) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary);
}

/** Signs a policy token for the hub: SharedAccessSignature sr=…&sig=…&se=…&skn=…. */
export async function sign(host, policy, key, ttlSeconds = SESSION_SECONDS) {
  const sr = encodeURIComponent(host.toLowerCase());
  const se = Math.floor(Date.now() / 1000) + ttlSeconds;
  const cryptoKey = await crypto.subtle.importKey('raw', base64Bytes(key), { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  const sig = await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(sr + '\n' + se));
  const token = 'SharedAccessSignature sr=' + sr + '&sig=' + encodeURIComponent(bytesBase64(sig)) + '&se=' + se
    + '&skn=' + encodeURIComponent(policy);
  return { host, policy, token, expires: se };
}

/**
 * A session from what the user pasted: a service connection string (signed here) or a SAS token (kept as is).
 * Throws an Error whose message names the field and the rule, never the key.
 */
export async function sessionFrom(text) {
  const input = (text || '').trim();
  if (!input) {
    throw new Error('Paste a service connection string or a SAS token');
  }
  if (input.startsWith('SharedAccessSignature ')) {
    const params = new URLSearchParams(input.slice('SharedAccessSignature '.length));
    const sr = params.get('sr');
    const se = Number(params.get('se'));
    const policy = params.get('skn');
    if (!sr || !params.get('sig') || !Number.isInteger(se) || !policy) {
      throw new Error('The SAS token needs sr, sig, se and skn (a shared access policy token)');
    }
    if (se * 1000 <= Date.now()) {
      throw new Error('The SAS token has expired: make a new one (rxiothub emulator token)');
    }
    return { host: sr.split('/')[0], policy, token: input, expires: se };
  }
  const f = fields(input);
  if (!f.HostName) {
    throw new Error('HostName is missing: paste the whole service connection string');
  }
  if (f.DeviceId) {
    throw new Error('This is a device connection string: the console needs the hub\'s service connection string'
      + ' (SharedAccessKeyName=iothubowner)');
  }
  if (!f.SharedAccessKeyName || !f.SharedAccessKey) {
    throw new Error('SharedAccessKeyName and SharedAccessKey are needed (the iothubowner policy\'s connection'
      + ' string)');
  }
  return sign(f.HostName, f.SharedAccessKeyName, f.SharedAccessKey);
}

/** The stored session if it is still valid for a minute, else null. */
export function storedSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return session && session.expires * 1000 > Date.now() + 60000 ? session : null;
  } catch (e) {
    return null;
  }
}

export function storeSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession() {
  sessionStorage.removeItem(KEY);
}
