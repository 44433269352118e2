#!/usr/bin/env node
/**
 * The `activelearn` command: one file per command under src/cli/. Errors of the library's
 * hierarchy print their message (every problem, naming file, row, column or option) and exit 2.
 */
import { ActiveLearnError } from "../errors.js";
import { runAgreement } from "./agreement.js";
import { runConsensus } from "./consensus.js";
import { runDemo } from "./demo.js";
import { runExport } from "./export.js";
import { runInit } from "./init.js";
import { runLabelIssues } from "./label-issues.js";
import { runPredict } from "./predict.js";
import { runServe } from "./serve.js";
import { runSimulate } from "./simulate.js";
import { runStatus } from "./status.js";
import { runTrain } from "./train.js";
import { runWebhooks } from "./webhooks.js";
import { runUsers } from "./users.js";

const commands: Record<string, { run: (argv: readonly string[]) => Promise<number>; help: string }> = {
  init: { run: runInit, help: "create a labeling project (SQLite) from a CSV or JSONL file" },
  serve: { run: runServe, help: "serve a project's labeling app and REST API" },
  status: { run: runStatus, help: "counts, per-label counts and current metrics of a project" },
  export: { run: runExport, help: "export a project's labels as JSON Lines or CSV" },
  users: { run: runUsers, help: "a project's accounts: add (prints a login token once), list, remove, reset, password" },
  train: { run: runTrain, help: "train the project's model on every label and save it" },
  predict: { run: runPredict, help: "score a CSV or JSONL file with a saved model" },
  agreement: { run: runAgreement, help: "inter-annotator agreement (kappas, Krippendorff's alpha) of a file or project" },
  consensus: { run: runConsensus, help: "one label per item from several annotators (majority, Dawid-Skene, model)" },
  "label-issues": { run: runLabelIssues, help: "find the rows of a labeled CSV or JSONL file whose label is probably wrong" },
  simulate: { run: runSimulate, help: "replay active learning on labeled data and compare strategies" },
  webhooks: { run: runWebhooks, help: "a project's webhook receivers (add, list, remove) and their delivery log" },
  demo: { run: runDemo, help: "label the SpamAssassin corpus in the web app (npm start); --simulate: the digits simulation" },
};

function help(): string {
  return [
    "usage: activelearn <command> [options]",
    "",
    ...Object.entries(commands).map(([n, c]) => `  ${n.padEnd(12)} ${c.help}`),
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
