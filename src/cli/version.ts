/**
 * @module cli/version
 * `wx-gateway -v`: name, version, build time (set by the build with --define), Bun version, OS/arch.
 */
import pkg from "../../package.json";

declare const WXGW_BUILD_TIME: string | undefined;

export function versionText(): string {
  const built = typeof WXGW_BUILD_TIME === "string" ? WXGW_BUILD_TIME : "dev (not built)";
  return `wx-gateway ${pkg.version}\nbuild time: ${built}\nbun: ${Bun.version}\nos/arch: ${process.platform}/${process.arch}`;
}
