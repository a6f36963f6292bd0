/**
 * The case-insensitive order of defined names that workspace-symbol prefix search walks (persisted in the
 * cache). A cold build sorts millions of names, so that runs on a worker thread while the main thread
 * derives the query tables and writes the cache; a refresh merges into the previous order instead.
 */
import { Worker } from 'worker_threads';
import { DEF_FIELDS, DefField } from './fileExtraction';
import type { IndexData } from './indexData';
import { NameBytes, type FoldedNames } from './nameTable';
import { startIndexWorker } from './workerPool';

function definedNameMarks(data: IndexData): Uint8Array {
  const marks = new Uint8Array(data.names.size);
  for (let o = 0; o < data.defs.length; o += DEF_FIELDS) marks[data.defs[o + DefField.Name]] = 1;
  return marks;
}

/** Ids of the names that have at least one definition, in id order. */
function definedNameIds(data: IndexData): Uint32Array {
  const marks = definedNameMarks(data);
  let count = 0;
  for (let id = 0; id < marks.length; id++) count += marks[id];
  const ids = new Uint32Array(count);
  for (let id = 0, k = 0; id < marks.length; id++) if (marks[id]) ids[k++] = id;
  return ids;
}

export interface SortRequest {
  kind: 'sort-names';
  bytes: Uint8Array;
  offsets: Uint32Array;
  ids: Uint32Array;
}
export interface SortResponse {
  kind: 'sorted-names';
  ids?: Uint32Array;
  failure?: string;
}

/** Worker side of sortDefinedNamesOffThread. */
export function answerSortRequest(request: SortRequest): SortResponse {
  return { kind: 'sorted-names', ids: sortFolded(request.ids, new NameBytes(request.bytes, request.offsets)) };
}

/**
 * Sorts the defined names of a fresh index on a worker thread (the names are copied to it). Falls back to
 * this thread if the worker cannot run, so the result never depends on threads being available.
 */
export function sortDefinedNamesOffThread(
  data: IndexData,
  log: (message: string) => void = () => undefined,
  prestarted?: Worker,
): { count: number; ready: Promise<Uint32Array> } {
  const ids = definedNameIds(data);
  const count = ids.length;
  const { bytes, offsets } = data.names.serialize();
  const ready = new Promise<Uint32Array>((resolve) => {
    let worker: Worker;
    let settled = false;
    const inThread = (reason: string) => {
      if (settled) return;
      settled = true;
      log(`sorting names on the main thread (${reason})`);
      void worker?.terminate();
      resolve(sortFolded(definedNameIds(data), data.names));
    };
    // A worker started ahead (while the last batches were read) has its code loaded already.
    try {
      worker = prestarted && prestarted.threadId !== -1 ? prestarted : startIndexWorker();
    } catch (err) {
      inThread((err as Error).message);
      return;
    }
    if (worker !== prestarted) void prestarted?.terminate();
    worker.ref();
    worker.on('message', (response: SortResponse) => {
      if (settled || response.kind !== 'sorted-names') return;
      if (!response.ids) {
        inThread(response.failure ?? 'worker failed');
        return;
      }
      settled = true;
      void worker.terminate();
      resolve(response.ids);
    });
    worker.on('error', (err) => inThread(err.message));
    worker.on('exit', (code) => {
      if (!settled) inThread(`worker exited with code ${code}`);
    });
    // Shared storage goes over as it is; otherwise the names are copied.
    const shared = bytes.buffer instanceof SharedArrayBuffer && offsets.buffer instanceof SharedArrayBuffer;
    const request: SortRequest = {
      kind: 'sort-names',
      bytes: shared ? bytes : bytes.slice(),
      offsets: shared ? offsets : offsets.slice(),
      ids,
    };
    const transfer = shared ? [ids.buffer] : [request.bytes.buffer, request.offsets.buffer, ids.buffer];
    worker.postMessage(request, transfer as ArrayBuffer[]);
  });
  return { count, ready };
}

/**
 * Ids of defined names sorted case-insensitively (persisted). A refresh with the same name ids keeps the
 * previous order, drops names no longer defined and merges in the few new ones instead of sorting millions.
 */
export function sortDefinedNames(data: IndexData, previous?: IndexData): Uint32Array {
  if (!previous) return sortFolded(definedNameIds(data), data.names);
  const hasDefinition = definedNameMarks(data);
  const compare = (a: number, b: number) => data.names.compareFolded(a, b);
  const kept: number[] = [];
  const seen = new Uint8Array(data.names.size);
  for (const id of previous.sortedNames)
    if (id < hasDefinition.length && hasDefinition[id]) {
      kept.push(id);
      seen[id] = 1;
    }
  const added: number[] = [];
  for (let id = 0; id < hasDefinition.length; id++) if (hasDefinition[id] && !seen[id]) added.push(id);
  added.sort(compare);
  const merged = new Uint32Array(kept.length + added.length);
  let i = 0,
    j = 0,
    k = 0;
  while (i < kept.length && j < added.length) merged[k++] = compare(kept[i], added[j]) <= 0 ? kept[i++] : added[j++];
  while (i < kept.length) merged[k++] = kept[i++];
  while (j < added.length) merged[k++] = added[j++];
  return merged;
}

/**
 * Sorts name ids as compareFolded orders them. A comparator sort of the 3.3 million defined names of a
 * kernel took seconds, mostly waiting on memory (every comparison reads two names at random places), so:
 * a radix sort (LSD, 14-bit digits: two folded bytes) on the first eight case-folded bytes, read once in id
 * order (the order names are stored in) and kept in position-parallel words; then each run of names
 * sharing those eight bytes (kernel names share long prefixes: "snd_soc_", "mmSDMA0_"; 2.9 of the 3.3
 * million names are in such runs) is ordered by its next four bytes as numbers, each group still equal by
 * the four after those, and so on. 1.65 s with 7-bit digits and a comparator sort of the runs; 1.15 s now.
 * Returns a new array (the input is left as it was).
 */
export function sortFolded(ids: Uint32Array, names: FoldedNames): Uint32Array {
  const n = ids.length;
  let head = new Uint32Array(n),
    tail = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    head[k] = names.foldedChunk(ids[k], 0);
    tail[k] = names.foldedChunk(ids[k], 4);
  }
  // The sort moves positions in `ids` (mapped back to ids at the end) with the words of each.
  let order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  let orderOut = new Uint32Array(n),
    headOut = new Uint32Array(n),
    tailOut = new Uint32Array(n);
  // Least significant digit first: bytes 6-7 (low half of tail) up to bytes 0-1 (high half of head).
  // Counting sorts are stable. The four histograms are counted in one pass.
  const counts = new Int32Array(4 * DIGIT_BUCKETS);
  for (let k = 0; k < n; k++) {
    const h = head[k],
      t = tail[k];
    counts[t & DIGIT_MASK]++;
    counts[DIGIT_BUCKETS + (t >>> 14)]++;
    counts[2 * DIGIT_BUCKETS + (h & DIGIT_MASK)]++;
    counts[3 * DIGIT_BUCKETS + (h >>> 14)]++;
  }
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * DIGIT_BUCKETS;
    for (let b = 0, sum = 0; b < DIGIT_BUCKETS; b++) {
      const c = counts[base + b];
      counts[base + b] = sum;
      sum += c;
    }
    const words = pass < 2 ? tail : head;
    const shift = (pass & 1) * 14;
    for (let k = 0; k < n; k++) {
      const at = counts[base + ((words[k] >>> shift) & DIGIT_MASK)]++;
      orderOut[at] = order[k];
      headOut[at] = head[k];
      tailOut[at] = tail[k];
    }
    [order, orderOut] = [orderOut, order];
    [head, headOut] = [headOut, head];
    [tail, tailOut] = [tailOut, tail];
  }
  // Within a run the positions are still in id order (the counting sorts are stable), as equal names must
  // end up. The spare arrays of the last pass serve as the runs' scratch.
  const runs = new RunSorter(names, ids, new Int32Array(headOut.buffer), tailOut);
  for (let start = 0, k = 1; k <= n; k++) {
    if (k < n && head[k] === head[start] && tail[k] === tail[start]) continue;
    // A run whose eight bytes include the end of the names holds equal names: id order is their order.
    if (k - start > 1 && (tail[start] & 127) !== 0) runs.sort(order, start, k, 8);
    start = k;
  }
  const sorted = orderOut;
  for (let k = 0; k < n; k++) sorted[k] = ids[order[k]];
  return sorted;
}

const DIGIT_BUCKETS = 1 << 14;
const DIGIT_MASK = DIGIT_BUCKETS - 1;

/** Orders positions order[from, to) of names equal up to `depth` bytes by the folded bytes after that, 4 at a time. */
class RunSorter {
  private keysOut = new Int32Array(1024);
  private readonly counts = new Int32Array(129);
  constructor(
    private readonly names: FoldedNames,
    private readonly idAt: Uint32Array,
    private readonly keys: Int32Array,
    private readonly moved: Uint32Array,
  ) {}

  sort(order: Uint32Array, from: number, to: number, depth: number): void {
    const { keys, names, idAt } = this;
    // An explicit stack of sub-runs, not recursion: names sharing a prefix of n bytes went n / 4 calls deep,
    // and a generated or fuzzed file with 200 kB names sharing their prefix overflowed the JS stack
    // (RangeError in the index build). Runs on the stack never overlap, so their keys can be recomputed.
    const pending: number[] = [from, to, depth];
    while (pending.length > 0) {
      const runDepth = pending.pop()!;
      const runTo = pending.pop()!;
      const runFrom = pending.pop()!;
      for (let k = runFrom; k < runTo; k++) keys[k] = names.foldedChunk(idAt[order[k]], runDepth);
      this.sortByKey(order, runFrom, runTo);
      for (let start = runFrom, k = runFrom + 1; k <= runTo; k++) {
        if (k < runTo && keys[k] === keys[start]) continue;
        // Equal four bytes that include the names' end: equal names, left in id order (sortByKey is stable).
        if (k - start > 1 && (keys[start] & 127) !== 0) pending.push(start, k, runDepth + 4);
        start = k;
      }
    }
  }

  /** Stable sort of order[from, to) by keys[from, to) (keys move with their positions). */
  private sortByKey(order: Uint32Array, from: number, to: number): void {
    const { keys, moved } = this;
    const length = to - from;
    if (length <= 24) {
      for (let i = from + 1; i < to; i++) {
        const key = keys[i],
          at = order[i];
        let j = i - 1;
        while (j >= from && keys[j] > key) {
          keys[j + 1] = keys[j];
          order[j + 1] = order[j];
          j--;
        }
        keys[j + 1] = key;
        order[j + 1] = at;
      }
      return;
    }
    // Larger runs: LSD radix on the 28-bit keys, 7 bits a pass (a small count table per pass).
    if (this.keysOut.length < length) this.keysOut = new Int32Array(Math.max(length, this.keysOut.length * 2));
    const keysOut = this.keysOut;
    const counts = this.counts;
    for (let shift = 0; shift < 28; shift += 7) {
      counts.fill(0);
      for (let k = from; k < to; k++) counts[((keys[k] >>> shift) & 127) + 1]++;
      if (counts[((keys[from] >>> shift) & 127) + 1] === length) continue; // one digit for all: nothing to move
      for (let b = 0; b < 128; b++) counts[b + 1] += counts[b];
      for (let k = from; k < to; k++) {
        const at = counts[(keys[k] >>> shift) & 127]++;
        moved[at] = order[k];
        keysOut[at] = keys[k];
      }
      order.set(moved.subarray(0, length), from);
      keys.set(keysOut.subarray(0, length), from);
    }
  }
}
