/**
 * The network a rate limit counts a client address under. An IPv4 address is itself; an IPv6 client
 * gets a whole /64 from its provider (and picks a fresh address in it at will), so it counts as its
 * /64. An IPv4-mapped IPv6 address counts as its IPv4 address. Anything else is kept as given, bounded.
 */
export const clientAddressLengthMax = 64;

export function clientNetwork(address: string): string {
  const trimmed = address.trim().toLowerCase().slice(0, clientAddressLengthMax);
  if (!trimmed.includes(":")) return trimmed;
  const hextets = expandIpv6(trimmed.split("%")[0]);
  if (!hextets) return trimmed;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  if (mapped) return mapped[1];
  return `${hextets.slice(0, 4).join(":")}::/64`;
}

/** The eight hextets of an IPv6 address (without leading zeros), or null if it is not one. */
function expandIpv6(address: string): string[] | null {
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  // A trailing dotted IPv4 part stands for the last two hextets.
  const last = tail.length > 0 ? tail : head;
  if (last.length > 0 && last[last.length - 1].includes(".")) last.splice(last.length - 1, 1, "0", "0");
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const hextets = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => "0"), ...tail];
  if (!hextets.every((hextet) => /^[0-9a-f]{1,4}$/.test(hextet))) return null;
  return hextets.map((hextet) => hextet.replace(/^0+(?=.)/, ""));
}
