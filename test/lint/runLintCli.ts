/** Runs `kernel-mm-lens lint ARGS` in-process and captures its exit code and output (shared by the lint CLI tests). */
import { main } from '../../server/src/main';
import { captureIo } from '../captureIo';

export async function runLintCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = captureIo();
  const code = await main(['lint', ...argv], captured.io);
  return { code, out: captured.text(), err: captured.errors() };
}
