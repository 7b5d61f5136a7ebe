// How deeply JSON text nests. The host refuses values deeper than MAX_JSON_DEPTH
// (emulator/domain/json_depth.py): Python cannot read or save them safely.
export const MAX_JSON_DEPTH = 100;

/** The deepest nesting of objects and arrays in JSON text (strings skipped). */
export function jsonDepth(json) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;                       // backslash: skip the escaped character
      else if (c === 34) inString = false;     // closing quote
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) deepest = Math.max(deepest, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}
