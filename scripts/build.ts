/**
 * Builds the single executable dist/wx-gateway with `bun build --compile`.
 * --bytecode: the bundle ships precompiled, so start-up skips parsing ~1.5 MB of JS (about half the
 * time before the first line of our code runs). Not --minify-identifiers: names in stack traces stay
 * readable. No bunfig.toml or .env autoloading: like the Go original, the executable reads only its
 * config file and the environment it was given, whatever directory it starts in.
 * The build time is baked in with --define.
 */
const outfile = process.argv[2] ?? "dist/wx-gateway";
const smol = process.env.WXGW_BUILD_SMOL === "1";
const proc = Bun.spawnSync(
  [
    process.execPath, "build", "src/main.ts", "--compile", "--bytecode", "--minify-whitespace", "--minify-syntax",
    "--no-compile-autoload-bunfig", "--no-compile-autoload-dotenv",
    ...(smol ? ["--compile-exec-argv=--smol"] : []),
    "--define", `WXGW_BUILD_TIME=${JSON.stringify(new Date().toISOString())}`,
    "--outfile", outfile,
  ],
  { stdout: "inherit", stderr: "inherit" },
);
process.exit(proc.exitCode ?? 1);
