import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "web/**/*.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Browser code: its own tsconfig (DOM lib, no Node types), so the two never mix.
    files: ["src/web/**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: false, project: ["./tsconfig.web.json"], tsconfigRootDir: import.meta.dirname },
    },
  },
);
