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
export function definedNameIds(data: IndexData): Uint32Array {
  const marks = definedNameMarks(data);
  let count = 0;
  for (let id = 0; id < marks.length; id++) count += marks[id];
  const ids = new Uint32Array(count);
  for (let id = 0, k = 0; id < marks.length; id++) if (marks[id]) ids[k++] = id;
  return ids;
}

export interface SortRequest { kind: 'sort-names'; bytes: Uint8Array; offsets: Uint32Array; ids: Uint32Array }
export interface SortResponse { kind: 'sorted-names'; ids?: Uint32Array; failure?: string }

/** Worker side of sortDefinedNamesOffThread. */
export function answerSortRequest(request: SortRequest): SortResponse {
  return { kind: 'sorted-names', ids: sortFolded(request.ids, new NameBytes(request.bytes, request.offsets)) };
}

/**
 * Sorts the defined names of a fresh index on a worker thread (the names are copied to it). Falls back to
 * this thread if the worker cannot run, so the result never depends on threads being available.
 */
export function sortDefinedNamesOffThread(data: IndexData, log: (message: string) => void = () => undefined): { count: number; ready: Promise<Uint32Array> } {
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
    try { worker = startIndexWorker(); } catch (err) { inThread((err as Error).message); return; }
    worker.on('message', (response: SortResponse) => {
      if (settled || response.kind !== 'sorted-names') return;
      if (!response.ids) { inThread(response.failure ?? 'worker failed'); return; }
      settled = true;
      void worker.terminate();
      resolve(response.ids);
    });
    worker.on('error', (err) => inThread(err.message));
    worker.on('exit', (code) => { if (!settled) inThread(`worker exited with code ${code}`); });
    // Shared storage goes over as it is; otherwise the names are copied.
    const shared = bytes.buffer instanceof SharedArrayBuffer && offsets.buffer instanceof SharedArrayBuffer;
    const request: SortRequest = { kind: 'sort-names', bytes: shared ? bytes : bytes.slice(), offsets: shared ? offsets : offsets.slice(), ids };
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
  for (const id of previous.sortedNames) if (id < hasDefinition.length && hasDefinition[id]) { kept.push(id); seen[id] = 1; }
  const added: number[] = [];
  for (let id = 0; id < hasDefinition.length; id++) if (hasDefinition[id] && !seen[id]) added.push(id);
  added.sort(compare);
  const merged = new Uint32Array(kept.length + added.length);
  let i = 0, j = 0, k = 0;
  while (i < kept.length && j < added.length) merged[k++] = compare(kept[i], added[j]) <= 0 ? kept[i++] : added[j++];
  while (i < kept.length) merged[k++] = kept[i++];
  while (j < added.length) merged[k++] = added[j++];
  return merged;
}

/**
 * Sorts name ids as compareFolded orders them. A comparator sort of the 3.3 million defined names of a
 * kernel took seconds, mostly waiting on memory (every comparison reads two names at random places), so:
 * a radix sort (LSD, 7-bit digits) on the first eight case-folded bytes, kept in position-parallel words
 * that are read in order, then a comparator sort only inside the runs that share those eight bytes, whose
 * names stay in the CPU cache while they are compared.
 */
export function sortFolded(ids: Uint32Array, names: FoldedNames): Uint32Array {
  const n = ids.length;
  let head = new Uint32Array(n), tail = new Uint32Array(n);
  for (let k = 0; k < n; k++) { head[k] = names.foldedChunk(ids[k], 0); tail[k] = names.foldedChunk(ids[k], 4); }
  let idsOut: Uint32Array = new Uint32Array(n), headOut = new Uint32Array(n), tailOut = new Uint32Array(n);
  const counts = new Int32Array(129);
  // Least significant digit first: byte 7 (low bits of tail) up to byte 0 (high bits of head); counting sorts are stable.
  for (let digit = 7; digit >= 0; digit--) {
    const words = digit < 4 ? head : tail;
    const shift = 21 - 7 * (digit & 3);
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[((words[k] >>> shift) & 127) + 1]++;
    for (let b = 0; b < 128; b++) counts[b + 1] += counts[b];
    for (let k = 0; k < n; k++) {
      const at = counts[(words[k] >>> shift) & 127]++;
      idsOut[at] = ids[k]; headOut[at] = head[k]; tailOut[at] = tail[k];
    }
    [ids, idsOut] = [idsOut, ids];
    [head, headOut] = [headOut, head];
    [tail, tailOut] = [tailOut, tail];
  }
  // Runs sharing the first eight bytes (kernel names share long prefixes: "snd_soc_", "__"), compared in full.
  const compare = (a: number, b: number) => names.compareFolded(a, b);
  for (let start = 0, k = 1; k <= n; k++) {
    if (k < n && head[k] === head[start] && tail[k] === tail[start]) continue;
    if (k - start > 1) ids.subarray(start, k).sort(compare);
    start = k;
  }
  head = tail = idsOut = headOut = tailOut = new Uint32Array(0);
  return ids;
}
