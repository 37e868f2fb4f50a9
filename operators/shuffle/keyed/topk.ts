// A bounded top-K by count (count descending, then key in byte order): a heap of K entries whose root is
// the weakest one kept. Used by the top and logs recipes and `mrpipe wordcount --top`.

export class TopK<T = string> {
  readonly #k: number;
  readonly #items: T[] = [];
  readonly #counts: number[] = [];
  readonly #name: (item: T) => string;

  constructor(k: number, name: (item: T) => string = (x) => x as unknown as string) {
    this.#k = k;
    this.#name = name;
  }

  /** i is weaker than j: lower count, or the same count and a later key. */
  #weaker(i: number, j: number): boolean {
    const c = this.#counts;
    return c[i] < c[j] || (c[i] === c[j] && this.#name(this.#items[i]) > this.#name(this.#items[j]));
  }

  #swap(i: number, j: number): void {
    const it = this.#items;
    const c = this.#counts;
    [it[i], it[j]] = [it[j], it[i]];
    [c[i], c[j]] = [c[j], c[i]];
  }

  add(item: T, count: number): void {
    const it = this.#items;
    const c = this.#counts;
    if (this.#k === 0) return;
    if (it.length < this.#k) {
      it.push(item);
      c.push(count);
      for (let i = it.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!this.#weaker(i, p)) break;
        this.#swap(i, p);
        i = p;
      }
      return;
    }
    if (count < c[0] || (count === c[0] && this.#name(item) > this.#name(it[0]))) return;
    it[0] = item;
    c[0] = count;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      if (l >= it.length) break;
      const r = l + 1;
      const m = r < it.length && this.#weaker(r, l) ? r : l;
      if (!this.#weaker(m, i)) break;
      this.#swap(i, m);
      i = m;
    }
  }

  /** The kept items, strongest first. */
  sorted(): Array<[T, number]> {
    const pairs = this.#items.map((x, i): [T, number] => [x, this.#counts[i]]);
    return pairs.sort((a, b) => {
      if (a[1] !== b[1]) return b[1] - a[1];
      const x = this.#name(a[0]);
      const y = this.#name(b[0]);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
}
