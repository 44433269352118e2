/**
 * Writes src/web/contract.gen.ts: the browser client's types, generated from the OpenAPI document
 * the server serves (itself generated from the route schemas). Run after changing a schema:
 *   npm run contract:types
 * src/server/contract.test.ts fails while the file is out of date.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openApiDocument } from "../server/openapi.js";
import { typeScriptModule } from "./json-schema.js";

/** Where the generated file lives (from dist/src/contract/ or src/contract/). */
export const WEB_TYPES_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..", "src/web/contract.gen.ts");

const HEADER = `/**
 * The API's types for the browser client, GENERATED from the route schemas (src/contract/) via
 * the served OpenAPI document: do not edit; run \`npm run contract:types\`.
 */
`;

/** The text the generated file must have. */
export function webTypes(): string {
  return typeScriptModule(openApiDocument("0"), HEADER);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(WEB_TYPES_PATH, webTypes());
  process.stdout.write(`wrote ${WEB_TYPES_PATH}\n`);
}
