/**
 * Builds the single executable dist/wx-gateway with `bun build --compile`.
 * Not --minify: names in stack traces stay readable. The build time is baked in with --define.
 */
const outfile = process.argv[2] ?? "dist/wx-gateway";
const proc = Bun.spawnSync(
  [
    process.execPath, "build", "src/main.ts", "--compile", "--minify-whitespace", "--minify-syntax",
    "--define", `WXGW_BUILD_TIME=${JSON.stringify(new Date().toISOString())}`,
    "--outfile", outfile,
  ],
  { stdout: "inherit", stderr: "inherit" },
);
process.exit(proc.exitCode ?? 1);
