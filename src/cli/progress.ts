/**
 * A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise
 * (so CI logs stay short).
 */
export interface Progress {
  update(done: number, total: number): void;
  finish(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const start = Date.now();
  let lastTenth = -1;
  const tty = stream.isTTY;
  return {
    update(done: number, total: number): void {
      const frac = total === 0 ? 1 : done / total;
      const secs = (Date.now() - start) / 1000;
      if (tty) {
        const width = 30;
        const filled = Math.round(frac * width);
        const eta = done > 0 ? (secs / done) * (total - done) : 0;
        stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${secs.toFixed(1)}s${done < total ? `, ~${eta.toFixed(0)}s left` : ""}   `);
      } else {
        const tenth = Math.floor(frac * 10);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          stream.write(`${label}: ${done}/${total} (${Math.round(frac * 100)}%) ${secs.toFixed(1)}s\n`);
        }
      }
    },
    finish(): void {
      if (tty) stream.write("\n");
    },
  };
}
