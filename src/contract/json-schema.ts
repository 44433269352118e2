/**
 * The JSON Schema subset the contract's OpenAPI document uses (type, properties, required,
 * additionalProperties, items, prefixItems, enum, const, anyOf, $ref, minimum/maximum,
 * minLength/maxLength, minItems/maxItems): a validator, so tests can check real replies against
 * the served document, and a writer of TypeScript types, so the browser client's types are
 * generated from that document (src/web/contract.gen.ts) with no zod in the browser.
 *
 * @example
 * const problems = validateJson(doc.components.schemas.Stats, body, doc); // [] when it fits
 */

/** A schema of the subset (anything else in it is ignored). */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly description?: string;
}

/** What $refs point into: an OpenAPI document's components. */
export interface SchemaDocument {
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

const SUPPORTED = new Set(["type", "properties", "required", "additionalProperties", "items", "prefixItems", "enum", "const", "anyOf", "$ref", "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "description", "format", "default"]);

function resolve(s: JsonSchema, doc: SchemaDocument): JsonSchema {
  if (s.$ref === undefined) return s;
  const name = s.$ref.replace("#/components/schemas/", "");
  const target = doc.components?.schemas?.[name];
  if (target === undefined) throw new Error(`unresolved $ref ${s.$ref}`);
  return target;
}

function typeOfJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Every way `value` breaks `schema` (paths like `$.advice.criteria[0].state`); [] when it fits. */
export function validateJson(schema: JsonSchema, value: unknown, doc: SchemaDocument, at = "$"): string[] {
  const s = resolve(schema, doc);
  const out: string[] = [];
  for (const k of Object.keys(s)) if (!SUPPORTED.has(k)) out.push(`${at}: schema keyword "${k}" is outside the supported subset`);
  if (s.anyOf !== undefined) {
    const fits = s.anyOf.some((alt) => validateJson(alt, value, doc, at).length === 0);
    if (!fits) out.push(`${at}: ${JSON.stringify(value)?.slice(0, 80)} fits none of ${s.anyOf.length} alternatives`);
  }
  if (s.type !== undefined) {
    const types = typeof s.type === "string" ? [s.type] : s.type;
    const t = typeOfJson(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
      out.push(`${at}: expected ${types.join(" or ")}, got ${t}`);
      return out;
    }
  }
  if (s.const !== undefined && value !== s.const) out.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (s.enum !== undefined && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: ${value} < ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: ${value} > ${s.maximum}`);
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && [...value].length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && [...value].length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
    if (s.prefixItems !== undefined) {
      if (value.length !== s.prefixItems.length && s.items === undefined) out.push(`${at}: expected ${s.prefixItems.length} items, got ${value.length}`);
      s.prefixItems.forEach((p, i) => out.push(...validateJson(p, value[i], doc, `${at}[${i}]`)));
    } else if (s.items !== undefined) {
      const items = s.items;
      value.forEach((v, i) => out.push(...validateJson(items, v, doc, `${at}[${i}]`)));
    }
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) out.push(`${at}: field "${r}" is missing`);
    for (const [k, v] of Object.entries(obj)) {
      const p = s.properties?.[k];
      if (p !== undefined) out.push(...validateJson(p, v, doc, `${at}.${k}`));
      else if (s.additionalProperties === false) out.push(`${at}: field "${k}" is not in the schema`);
      else if (typeof s.additionalProperties === "object") out.push(...validateJson(s.additionalProperties, v, doc, `${at}.${k}`));
    }
  }
  return out;
}

/** The TypeScript type of a schema (read-only; $refs by component name). */
export function typeScriptOf(schema: JsonSchema, indent = ""): string {
  if (schema.$ref !== undefined) return schema.$ref.replace("#/components/schemas/", "");
  if (schema.anyOf !== undefined) return schema.anyOf.map((s) => typeScriptOf(s, indent)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : schema.type;
  const one = (t: string): string => {
    if (t === "null") return "null";
    if (t === "string" || t === "number" || t === "boolean") return schema.enum !== undefined ? schema.enum.map((e) => JSON.stringify(e)).join(" | ") : t;
    if (t === "integer") return "number";
    if (t === "array") {
      if (schema.prefixItems !== undefined) return `readonly [${schema.prefixItems.map((p) => typeScriptOf(p, indent)).join(", ")}]`;
      const inner = schema.items === undefined ? "unknown" : typeScriptOf(schema.items, indent);
      return `readonly (${inner})[]`;
    }
    if (t === "object") {
      const props = Object.entries(schema.properties ?? {});
      const extra = schema.additionalProperties;
      if (props.length === 0 && typeof extra === "object") return `Readonly<Record<string, ${typeScriptOf(extra, indent)}>>`;
      if (props.length === 0) return "Readonly<Record<string, unknown>>";
      const req = new Set(schema.required ?? []);
      const lines = props.map(([k, p]) => {
        const doc = p.description === undefined ? "" : `${indent}  /** ${p.description.replace(/\*\//g, "* /")} */\n`;
        return `${doc}${indent}  readonly ${k}${req.has(k) ? "" : "?"}: ${typeScriptOf(p, `${indent}  `)};`;
      });
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
    return "unknown";
  };
  if (types.length === 0) return "unknown";
  return types.map(one).join(" | ");
}

/** A TypeScript module declaring one exported type per component schema of `doc`. */
export function typeScriptModule(doc: SchemaDocument, header: string): string {
  const out = [header];
  for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) {
    if (s.description !== undefined) out.push(`/** ${s.description} */`);
    out.push(`export type ${name} = ${typeScriptOf(s)};`, "");
  }
  return out.join("\n");
}
