/**
 * A unified diff of two texts, for the libguestfs backend: its two sides live in two appliances, so there is no
 * host file to hand to diff(1). Pure. Lines common at both ends are trimmed first; the rest is a longest common
 * subsequence table, refused (null) above MAX_CELLS so a pathological pair cannot take the server's memory.
 */

const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { k: ' ' | '-' | '+'; line: string; a: number; b: number };

function lines(t: string): string[] {
  if (t === '') return [];
  const l = t.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** diff -u's output for `a` -> `b` with these labels; "" when equal; null when too large to compute. */
export function unifiedDiff(a: string, b: string, labelA: string, labelB: string): string | null {
  if (a === b) return '';
  const A = lines(a);
  const B = lines(b);
  let pre = 0;
  while (pre < A.length && pre < B.length && A[pre] === B[pre]) pre++;
  let suf = 0;
  while (suf < A.length - pre && suf < B.length - pre && A[A.length - 1 - suf] === B[B.length - 1 - suf]) suf++;
  const ma = A.slice(pre, A.length - suf);
  const mb = B.slice(pre, B.length - suf);
  const n = ma.length;
  const m = mb.length;
  if ((n + 1) * (m + 1) > MAX_CELLS) return null;
  // lcs[i][j]: length of the LCS of ma[i..] and mb[j..].
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = ma[i] === mb[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  for (let k = 0; k < pre; k++) ops.push({ k: ' ', line: A[k] ?? '', a: k, b: k });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ma[i] === mb[j]) {
      ops.push({ k: ' ', line: ma[i] ?? '', a: pre + i, b: pre + j });
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i * w + j + 1] ?? 0) >= (lcs[(i + 1) * w + j] ?? 0))) {
      ops.push({ k: '+', line: mb[j] ?? '', a: pre + i, b: pre + j });
      j++;
    } else {
      ops.push({ k: '-', line: ma[i] ?? '', a: pre + i, b: pre + j });
      i++;
    }
  }
  for (let k = 0; k < suf; k++) ops.push({ k: ' ', line: A[A.length - suf + k] ?? '', a: A.length - suf + k, b: B.length - suf + k });
  // diff -u puts removals before additions within a change.
  for (let s = 0; s < ops.length; ) {
    if (ops[s]?.k === ' ') {
      s++;
      continue;
    }
    let e = s;
    while (e < ops.length && ops[e]?.k !== ' ') e++;
    const run = ops.slice(s, e);
    ops.splice(s, e - s, ...run.filter((o) => o.k === '-'), ...run.filter((o) => o.k === '+'));
    s = e;
  }
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  const changed = ops.map((o, idx) => (o.k !== ' ' ? idx : -1)).filter((x) => x >= 0);
  let h = 0;
  while (h < changed.length) {
    const first = changed[h] ?? 0;
    let last = first;
    while (h + 1 < changed.length && (changed[h + 1] ?? 0) - last <= 2 * CONTEXT) last = changed[++h] ?? last;
    h++;
    const from = Math.max(0, first - CONTEXT);
    const to = Math.min(ops.length, last + CONTEXT + 1);
    const hunk = ops.slice(from, to);
    const aLines = hunk.filter((o) => o.k !== '+').length;
    const bLines = hunk.filter((o) => o.k !== '-').length;
    const aStart = hunk.find((o) => o.k !== '+')?.a ?? hunk[0]?.a ?? 0;
    const bStart = hunk.find((o) => o.k !== '-')?.b ?? hunk[0]?.b ?? 0;
    const range = (start: number, count: number) => (count === 1 ? `${start + 1}` : `${count === 0 ? start : start + 1},${count}`);
    out.push(`@@ -${range(aStart, aLines)} +${range(bStart, bLines)} @@`);
    for (const o of hunk) out.push(`${o.k}${o.line}`);
  }
  return `${out.join('\n')}\n`;
}
