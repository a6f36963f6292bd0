import { spawn } from 'child_process';

/**
 * Runs git without a shell (arguments are never interpreted), with a timeout and an output cap, optionally feeding
 * stdin. Used by blame → thread; only called in a trusted workspace.
 */

export interface GitResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  cwd: string;
  input?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

export function runGit(args: string[], options: GitOptions): Promise<GitResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxOutput = options.maxOutputBytes ?? 32 * 1024 * 1024;
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('git', args, {
        cwd: options.cwd,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C' },
      });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: (error as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: GitResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ code: null, stdout: '', stderr: `git ${args[0]} timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput) {
        child.kill('SIGKILL');
        finish({ code: null, stdout: '', stderr: `git ${args[0]} printed more than ${maxOutput} bytes` });
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 64) err.push(chunk);
    });
    child.on('error', (error) => finish({ code: null, stdout: '', stderr: error.message }));
    child.on('close', (code) =>
      finish({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    // git may exit before reading all of stdin (EPIPE): that is reported through the exit code, not thrown.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
