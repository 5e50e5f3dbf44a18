/** mulberry32: tiny, fast and good enough for synthetic data; never Math.random, so output is reproducible. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  weighted<T extends string>(weights: Readonly<Partial<Record<T, number>>>): T {
    // Two passes over the keys rather than Object.entries: this runs several times per generated row.
    let total = 0;
    for (const key in weights) total += weights[key] as number;
    let x = this.next() * total;
    let last = '' as T;
    for (const key in weights) {
      last = key;
      if ((x -= weights[key] as number) < 0) return key;
    }
    return last;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
  sample<T>(items: readonly T[], n: number): T[] {
    return this.shuffle([...items]).slice(0, n);
  }
  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += ((this.next() * 4_294_967_296) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }
}

export const accountSid = (rng: Rng) => `AC${rng.hex(32)}`;
