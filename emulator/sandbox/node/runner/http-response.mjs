// Normalises what a component gave to this.http.respond({status, headers, body}).
function statusCode(status) {
  const code = typeof status === "string" && /^\s*\d+\s*$/.test(status) ? Number(status) : status;
  if (!Number.isInteger(code) || code < 100 || code > 599) {
    throw new RangeError(`http.respond(): invalid status ${JSON.stringify(status)}; expected an integer from 100 to 599`);
  }
  return code;
}

function headerValues(headers) {
  const normalised = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    normalised[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return normalised;
}

function hasHeader(headers, name) {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** {status: int, headers: {str: str}, body: str, body_base64: bool}; throws on a bad status. */
export function normalizeHttpResponse(input) {
  if (input === null || typeof input !== "object") {
    throw new TypeError("http.respond() expects an object like {status, headers, body}");
  }
  const status = statusCode(input.status ?? 200);
  const headers = headerValues(input.headers);
  const { body } = input;
  if (body === undefined || body === null) return { status, headers, body: "", body_base64: false };
  if (typeof body === "string") return { status, headers, body, body_base64: false };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes = body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return { status, headers, body: bytes.toString("base64"), body_base64: true };
  }
  if (typeof body === "object" && !hasHeader(headers, "content-type")) headers["Content-Type"] = "application/json";
  return { status, headers, body: JSON.stringify(body), body_base64: false };
}
