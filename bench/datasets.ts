/** The shared datasets the benchmarks read, and where they are. */
import path from "node:path";

/** Ground-truth column of each shared dataset. */
export const labelColumns: Readonly<Record<string, string>> = {
  digits: "digit",
  vehicle: "Class",
  mlc_churn: "churn",
  credit_data: "Status",
  attrition: "Attrition",
  wa_churn: "churn",
  ionosphere: "Class",
  pima: "diabetes",
};

/** The shared folder: $SHARED, else ../shared from the working directory. */
export const sharedDir = path.resolve(process.env.SHARED ?? path.join(process.cwd(), "..", "shared"));

/** The label column of shared dataset `name`; an error naming the known ones if there is none. */
export function labelOf(name: string): string {
  const label = labelColumns[name];
  if (label === undefined) throw new Error(`DATASETS: no shared dataset "${name}"; known: ${Object.keys(labelColumns).join(", ")}`);
  return label;
}
