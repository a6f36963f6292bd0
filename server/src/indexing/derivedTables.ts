/**
 * The by-name query tables of an index (name -> its definitions, name -> the files mentioning it), derived from
 * the packed arrays of `IndexData` when the cache did not bring them.
 */
import { DEF_FIELDS } from './fileExtraction';
import type { DerivedTables, IndexData } from './indexData';

/** By-name tables (counting sort into CSR): name -> definitions, name -> files mentioning it. */
export function deriveTables(data: IndexData): DerivedTables {
  const nameCount = data.names.size;
  const defCount = data.defs.length / DEF_FIELDS;
  const defFile = new Uint32Array(defCount);
  for (let f = 0; f < data.files.length; f++) defFile.fill(f, data.fileDefStart[f], data.fileDefStart[f + 1]);
  const nameDefStart = new Uint32Array(nameCount + 1);
  for (let d = 0; d < defCount; d++) nameDefStart[data.defs[d * DEF_FIELDS] + 1]++;
  for (let n = 0; n < nameCount; n++) nameDefStart[n + 1] += nameDefStart[n];
  const nameDefs = new Uint32Array(defCount);
  const defFill = nameDefStart.slice(0, nameCount);
  for (let d = 0; d < defCount; d++) nameDefs[defFill[data.defs[d * DEF_FIELDS]]++] = d;
  const nameFileStart = new Uint32Array(nameCount + 1);
  for (let k = 0; k < data.idents.length; k++) nameFileStart[data.idents[k] + 1]++;
  for (let n = 0; n < nameCount; n++) nameFileStart[n + 1] += nameFileStart[n];
  const nameFiles = new Uint32Array(data.idents.length);
  const fileFill = nameFileStart.slice(0, nameCount);
  for (let f = 0; f < data.files.length; f++) {
    for (let k = data.fileIdentStart[f]; k < data.fileIdentStart[f + 1]; k++) nameFiles[fileFill[data.idents[k]]++] = f;
  }
  return { defFile, nameDefStart, nameDefs, nameFileStart, nameFiles };
}
