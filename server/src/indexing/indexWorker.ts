/**
 * Worker thread of the bulk index pass: reads and extracts a batch of files and sends them back packed
 * (one string table per batch, typed arrays transferred, not copied). Never throws for one bad file:
 * the file comes back with an error the main thread logs.
 */
import { parentPort } from 'worker_threads';
import * as path from 'path';
import { BatchPacker, extractText, readSourceFile } from './fileExtraction';

export interface WorkerRequest { id: number; root: string; files: Array<{ index: number; file: string }>; maxFileSize: number }
export interface WorkerResponse { id: number; names: string[]; files: import('./fileExtraction').PackedFile[]; failure?: string }

parentPort?.on('message', (request: WorkerRequest) => {
  const packer = new BatchPacker();
  try {
    for (const { index, file } of request.files) {
      const read = readSourceFile(path.join(request.root, file), request.maxFileSize);
      if ('error' in read) { packer.addError(index, read.error); continue; }
      try {
        packer.add(index, extractText(file, read.text));
      } catch (err) {
        packer.addError(index, `extractor failed: ${(err as Error).message}`);
      }
    }
    const batch = packer.batch();
    const transfer = batch.files.flatMap((f) => [f.defs.buffer, f.idents.buffer]) as ArrayBuffer[];
    parentPort!.postMessage({ id: request.id, names: batch.names, files: batch.files } satisfies WorkerResponse, transfer);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, names: [], files: [], failure: String((err as Error)?.stack ?? err) } satisfies WorkerResponse);
  }
});
