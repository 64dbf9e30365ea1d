/**
 * @module test/_helpers/slow
 * The release and container-image suites take a minute or more. A developer may skip them locally with
 * WXGW_SKIP_SLOW=1; CI never does (the variable is ignored when CI is set, and .ci/run unsets it).
 */
export function skipSlow(suite: string): boolean {
  const skip = process.env.WXGW_SKIP_SLOW === "1" && !process.env.CI;
  if (skip) console.warn(`skipping ${suite}: WXGW_SKIP_SLOW=1 (CI always runs it)`);
  return skip;
}
