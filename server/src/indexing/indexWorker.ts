/**
 * Worker thread of the bulk index pass: reads and extracts batches of files and sends each back packed
 * (typed arrays transferred, not copied). Never throws for one bad file: the file comes back
 * with an error the main thread logs.
 */
import { parentPort } from 'worker_threads';
import * as path from 'path';
import { extractText, SourceReader } from './fileExtraction';
import { kernelFileKind } from '../parsing/kernelFiles';
import { BatchPacker, type PackedBatch } from './batchPacker';
import { answerSortRequest, type SortRequest } from './nameOrder';
import { warmUpWorker } from './workerWarmup';

export interface WorkerRequest {
  id: number;
  root: string;
  files: Array<{ index: number; file: string }>;
  maxFileSize: number;
}
export interface WorkerResponse {
  id: number;
  batch?: PackedBatch;
  failure?: string;
}

warmUpWorker();
const packer = new BatchPacker();
const reader = new SourceReader();

parentPort?.on('message', (message: WorkerRequest | SortRequest) => {
  if ('kind' in message && message.kind === 'sort-names') {
    try {
      const response = answerSortRequest(message);
      parentPort!.postMessage(response, [response.ids!.buffer] as ArrayBuffer[]);
    } catch (err) {
      parentPort!.postMessage({ kind: 'sorted-names', failure: String((err as Error)?.stack ?? err) });
    }
    return;
  }
  const request = message as WorkerRequest;
  try {
    packer.startBatch();
    for (const { index, file } of request.files) {
      const read = reader.read(path.join(request.root, file), request.maxFileSize);
      if ('error' in read) {
        packer.addError(index, read.error);
        continue;
      }
      const collected = kernelFileKind(file) === 'c';
      try {
        packer.add(
          index,
          extractText(file, read.text, undefined, collected ? packer.collector : undefined),
          collected,
          read.size,
          read.mtimeMs,
        );
      } catch (err) {
        packer.addError(index, `extractor failed: ${(err as Error).message}`);
      }
    }
    const batch = packer.finishBatch();
    parentPort!.postMessage({ id: request.id, batch } satisfies WorkerResponse, [
      batch.defs.buffer,
      batch.idents.buffer,
      batch.occurrences.buffer,
      batch.nameBytes.buffer,
      batch.nameEnds.buffer,
      batch.nameHashes.buffer,
      batch.installs.buffer,
    ] as ArrayBuffer[]);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, failure: String((err as Error)?.stack ?? err) } satisfies WorkerResponse);
  }
});
