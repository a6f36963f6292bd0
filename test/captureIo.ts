/** An `io` for in-process CLI runs (`main`, a command's `run`) that collects what it writes (shared by CLI tests). */
import { PassThrough } from 'stream';

export function captureIo(): { io: { out: PassThrough; err: PassThrough }; text: () => string; errors: () => string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk) => {
    outText += chunk;
  });
  err.on('data', (chunk) => {
    errText += chunk;
  });
  return { io: { out, err }, text: () => outText, errors: () => errText };
}
