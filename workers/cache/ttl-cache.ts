/**
 * A small per-isolate cache for directory rows that every request needs (venue keys, program
 * configs): it saves a D1 round trip per request. Entries live `ttlMs`; the oldest go first
 * beyond `sizeMax`. Other isolates see a change within `ttlMs`.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly sizeMax: number,
  ) {}

  get(key: string, nowMs = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, nowMs = Date.now()): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    if (this.entries.size > this.sizeMax) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
