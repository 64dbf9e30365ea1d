/**
 * @module cli/version
 * `wx-gateway -v`: name, version, build time and target (set by the build with --define), Bun version, OS/arch.
 */
import pkg from "../../package.json";

declare const WXGW_BUILD_TIME: string | undefined;
declare const WXGW_BUILD_TARGET: string | undefined;

export function versionText(): string {
  const built = typeof WXGW_BUILD_TIME === "string" ? WXGW_BUILD_TIME : "dev (not built)";
  const target = typeof WXGW_BUILD_TARGET === "string" ? WXGW_BUILD_TARGET : "none (run from source)";
  return `wx-gateway ${pkg.version}\nbuild time: ${built}\ntarget: ${target}\nbun: ${Bun.version}\nos/arch: ${process.platform}/${process.arch}`;
}
