/** A one-line progress bar on a terminal; plain occasional lines when the output is not a TTY. */
export class ProgressBar {
  private lastPlain = -1;
  private lastDraw = 0;
  constructor(private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }) {}

  update(message: string, percent: number): void {
    const p = Math.max(0, Math.min(100, Math.floor(percent)));
    if (this.stream.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 80 && p < 100) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((p / 100) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(p).padStart(3)}% ${message}`;
      this.stream.write(
        `\r${line.slice(0, (this.stream.columns ?? 100) - 1).padEnd((this.stream.columns ?? 100) - 1)}`,
      );
    } else if (p >= this.lastPlain + 25 || (p === 100 && this.lastPlain !== 100)) {
      this.lastPlain = p - (p % 25);
      this.stream.write(`${String(p).padStart(3)}% ${message}\n`);
    }
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
