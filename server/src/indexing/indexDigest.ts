/**
 * A digest of what the bulk pass produced for a whole tree: one CRC-32 over every definition and one over every
 * file's occurrence block, both independent of worker scheduling (files in path order, name ids replaced by the
 * names). Two builds of the same tree have equal digests exactly when their definitions and occurrences are equal:
 * the check that a refactor or an optimisation changed nothing (`kernel-mm-lens index --rebuild --digest PATH`).
 */
import * as zlib from 'zlib';
import { DEF_FIELDS, DefField } from './fileExtraction';
import type { IndexData } from './indexData';
import { OccurrenceStoreReader } from './occurrenceStore';

export interface IndexDigest {
  files: number;
  definitions: number;
  /** CRC-32 over every file's path and definitions (all packed fields, names and containers as text). */
  definitionsCrc: number;
  /** Files whose occurrence block was read from the store, and their total size. */
  occurrenceBlocks: number;
  occurrenceBytes: number;
  /** CRC-32 over every file's path, name list, reference count and occurrence block ("none" when it has none). */
  occurrencesCrc: number;
  /** Why blocks could not be read (no occurrence store: the index was built without a cache folder). */
  problem?: string;
}

type Crc32 = (data: Uint8Array | string, value?: number) => number;

export function digestIndex(data: IndexData): IndexDigest {
  const crc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;
  if (!crc32) throw new Error('the digest needs zlib.crc32 (Node.js 20.15 or later)');
  const order = data.files
    .map((file, id) => ({ file, id }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const reader = data.occurrenceStore ? new OccurrenceStoreReader(data.occurrenceStore) : undefined;
  let problem = reader ? undefined : 'the index has no occurrence store (built without a cache folder)';
  const nameOf = (id: number) => data.names.name(id);
  const digest: IndexDigest = {
    files: order.length,
    definitions: 0,
    definitionsCrc: 0,
    occurrenceBlocks: 0,
    occurrenceBytes: 0,
    occurrencesCrc: 0,
  };
  reader?.acquire();
  try {
    for (const { file, id } of order) {
      const lines: string[] = [file];
      for (let def = data.fileDefStart[id]; def < data.fileDefStart[id + 1]; def++) {
        const o = def * DEF_FIELDS;
        const fields: Array<string | number> = [];
        for (let k = 0; k < DEF_FIELDS; k++) fields.push(data.defs[o + k]);
        fields[DefField.Name] = nameOf(data.defs[o + DefField.Name]);
        const container = data.defs[o + DefField.Container];
        fields[DefField.Container] = container >= 0 ? nameOf(container) : '';
        lines.push(fields.join('\t'));
        digest.definitions++;
      }
      digest.definitionsCrc = crc32(`${lines.join('\n')}\n`, digest.definitionsCrc);

      const names: string[] = [];
      for (let k = data.fileIdentStart[id]; k < data.fileIdentStart[id + 1]; k++) names.push(nameOf(data.idents[k]));
      digest.occurrencesCrc = crc32(`${file}\n${names.join(' ')}\n${data.fileRefCount[id]}\n`, digest.occurrencesCrc);
      const offset = data.fileOccOffset[id];
      let block: Uint8Array | undefined;
      if (offset >= 0 && reader) {
        block = reader.read(offset, data.fileOccLength[id]);
        if (!block) problem ??= 'the occurrence store could not be read';
      }
      if (block) {
        digest.occurrencesCrc = crc32(block, digest.occurrencesCrc);
        digest.occurrenceBlocks++;
        digest.occurrenceBytes += block.byteLength;
      } else {
        digest.occurrencesCrc = crc32('none\n', digest.occurrencesCrc);
      }
    }
  } finally {
    reader?.release();
  }
  if (problem) digest.problem = problem;
  return digest;
}

export function formatIndexDigest(digest: IndexDigest): string {
  const hex = (crc: number) => (crc >>> 0).toString(16).padStart(8, '0');
  return [
    `digest of ${digest.files} files`,
    `  definitions crc32 ${hex(digest.definitionsCrc)} (${digest.definitions} definitions)`,
    `  occurrences crc32 ${hex(digest.occurrencesCrc)} (${digest.occurrenceBlocks} blocks, ${digest.occurrenceBytes} bytes)`,
    ...(digest.problem ? [`  warning: ${digest.problem}`] : []),
    '',
  ].join('\n');
}
