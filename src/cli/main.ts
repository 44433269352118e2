#!/usr/bin/env node
/**
 * The `activelearn` command: one file per command under src/cli/. Errors of the library's
 * hierarchy print their message (every problem, naming file, row, column or option) and exit 2.
 */
import { ActiveLearnError } from "../errors.js";
import { runDemo } from "./demo.js";
import { runSimulate } from "./simulate.js";

const commands: Record<string, { run: (argv: readonly string[]) => Promise<number>; help: string }> = {
  simulate: { run: runSimulate, help: "replay active learning on labeled data and compare strategies" },
  demo: { run: runDemo, help: "simulate on the bundled digits data and write the report (npm start)" },
};

function help(): string {
  return [
    "usage: activelearn <command> [options]",
    "",
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.help}`),
    "",
    "activelearn <command> --help shows a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(help() + "\n");
    return cmd === undefined ? 1 : 0;
  }
  const c = commands[cmd];
  if (c === undefined) {
    process.stderr.write(`activelearn: unknown command "${cmd}"\n\n${help()}\n`);
    return 2;
  }
  return c.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof ActiveLearnError) {
      process.stderr.write(`activelearn: ${e.message.split("\n").join("\nactivelearn: ")}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`activelearn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
