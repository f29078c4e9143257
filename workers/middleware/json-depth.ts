/**
 * How deep a JSON body's arrays and objects may nest. Real bodies (a program config with gates)
 * reach about 8; 2,000 levels overflowed the stack in the config merge and answered 500.
 */
export const jsonDepthMax = 32;

const quote = 0x22;
const backslash = 0x5c;
const openers = new Set([0x5b, 0x7b]); // [ {
const closers = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether `text`'s arrays and objects nest deeper than `depthMax`, read from the raw text before
 * JSON.parse builds anything: brackets inside strings (escaped quotes included) do not count, and
 * the scan stops at the first bracket too deep. Malformed JSON is left for JSON.parse to refuse.
 */
export function nestsDeeperThan(text: string, depthMax: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === backslash) index++;
      else if (char === quote) inString = false;
    } else if (char === quote) {
      inString = true;
    } else if (openers.has(char)) {
      if (++depth > depthMax) return true;
    } else if (closers.has(char)) {
      depth--;
    }
  }
  return false;
}
