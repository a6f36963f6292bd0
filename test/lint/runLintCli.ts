/** Runs `kernel-mm-lens lint ARGS` in-process and captures its exit code and output (shared by the lint CLI tests). */
import { PassThrough } from 'stream';
import { main } from '../../server/src/main';

export async function runLintCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (chunk) => { outText += chunk; });
  err.on('data', (chunk) => { errText += chunk; });
  const code = await main(['lint', ...argv], { out, err });
  return { code, out: outText, err: errText };
}
