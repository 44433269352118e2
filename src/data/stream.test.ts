import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Cell } from "./jsonl.js";
import { readTable, streamTable, type ReadOptions } from "./load.js";
import { rejectsBad, tempFiles } from "./test-support.js";

const { dir, temp } = tempFiles("stream");

/** Streams a file and returns what readTable would: header, padded cells, row numbers. */
async function streamAll(path: string, options: ReadOptions & { chunkSize?: number } = {}) {
  const cells: Cell[][] = [];
  const rowNumbers: number[] = [];
  const summary = await streamTable(path, options, (rec, info) => {
    cells.push(rec);
    rowNumbers.push(info.row);
  });
  for (const row of cells) while (row.length < summary.header.length) row.push(null);
  assert.equal(summary.rows, cells.length);
  return { file: summary.file, format: summary.format, header: summary.header, cells, rowNumbers };
}

void test("a generated 200k-row CSV streams to exactly what readTable reads", async () => {
  const lines = ["id,amount,city,note"];
  const cities = ["Zürich", "São Paulo", "東京", "Kraków", "NYC"];
  for (let i = 0; i < 200_000; i++) {
    const note = i % 11 === 0 ? `"multi\r\nline, ""quoted"" 😀"` : i % 7 === 0 ? "" : `n${i}`;
    lines.push(`${i},${(i * 1.25).toFixed(2)},${cities[i % cities.length]},${note}`);
  }
  const path = temp("csv", lines.join("\r\n") + "\r\n");
  const whole = readTable(path);
  assert.equal(whole.cells.length, 200_000);
  assert.deepEqual(whole.cells[11], ["11", "13.75", "São Paulo", 'multi\r\nline, "quoted" 😀']);
  const streamed = await streamAll(path);
  assert.deepEqual(streamed, whole);
  // Odd chunk sizes split multi-byte characters and CRLFs everywhere.
  assert.deepEqual(await streamAll(path, { chunkSize: 4099 }), whole);
});

void test("tiny chunks of a tricky CSV and JSONL give the same rows", async () => {
  const csv = temp("csv", '\uFEFFa;"b;c"\r\n"é😀\n";2\r\n\r\nx;"y""z"\r\n');
  const jsonl = temp("jsonl", '\uFEFF{"a":"é😀","b":1}\r\n\n{"c":true}\n{"b":null,"a":"中"}');
  for (const path of [csv, jsonl]) {
    const whole = readTable(path);
    assert.equal(whole.cells.length, path === csv ? 2 : 3);
    for (let size = 1; size <= 9; size++) assert.deepEqual(await streamAll(path, { chunkSize: size }), whole, `chunk ${size}`);
  }
});

void test("a JSONL stream grows its header; padding gives readTable's cells", async () => {
  const rows: string[] = [];
  for (let i = 0; i < 5000; i++) rows.push(JSON.stringify(i % 3 === 0 ? { a: i, [`k${i % 50}`]: "v" } : { b: i % 2 === 0, a: null }));
  const path = temp("ndjson", rows.join("\n"));
  const whole = readTable(path);
  assert.equal(whole.header.length, 52);
  assert.deepEqual(await streamAll(path, { chunkSize: 777 }), whole);
});

void test("invalid UTF-8 in a stream is reported exactly as readTable reports it", async () => {
  const good = Buffer.from('h1,h2\nα,"β\nγ"\n', "utf8");
  for (const bad of [[0xff], [0xe2, 0x28, 0xa1], [0xf0, 0x9f, 0x98]]) {
    for (let at = 0; at <= good.length; at++) {
      if (at > 0 && (good[at] & 0xc0) === 0x80) continue; // keep valid characters whole
      const bytes = Buffer.concat([good.subarray(0, at), Buffer.from(bad), good.subarray(at)]);
      const path = temp("csv", bytes);
      let expected = "";
      try {
        readTable(path);
      } catch (e) {
        expected = (e as Error).message;
      }
      assert.match(expected, /invalid UTF-8 byte 0x[0-9A-F]{2} at byte offset \d+/);
      for (const chunkSize of [1, 2, 3, 5, 64]) {
        const err = await rejectsBad(streamAll(path, { chunkSize }));
        assert.equal(err.message, expected, `bad ${bad.join(",")} at ${at}, chunk ${chunkSize}`);
      }
    }
  }
});

void test("a truncated sequence at the very end is reported by the stream", async () => {
  const path = temp("csv", Buffer.concat([Buffer.from("a\nb\n"), Buffer.from([0xf0, 0x9f, 0x98])]));
  await rejectsBad(streamAll(path, { chunkSize: 2 }), path, "row 2", "0xF0", "byte offset 4");
});

void test("streaming checks the header, width and emptiness", async () => {
  await rejectsBad(streamAll(temp("csv", "a,a\n1,2\n")), "row 0", 'column "a"', "duplicate column name");
  await rejectsBad(streamAll(temp("csv", "a,b\n1,2\n3\n")), "row 2", 'column "b"', "1 field,");
  await rejectsBad(streamAll(temp("csv", "")), "empty file");
  await rejectsBad(streamAll(temp("jsonl", "\n\n")), "empty file");
  await rejectsBad(streamAll(temp("csv", "a,b\n")), "no data rows");
  await rejectsBad(streamAll(join(dir, "nope.csv")), "nope.csv", "file not found");
  await rejectsBad(streamAll(temp("jsonl", '{"a":1}\n{"a":["x"]}\n'), { chunkSize: 3 }), "row 2", 'field "a"');
});
