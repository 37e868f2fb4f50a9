// The one version constant: `mrpipe --version` and the library's VERSION. Kept equal to package.json's
// version by a test (test/smoke.test.ts); a constant, because dist/ cannot reach package.json by one path.
/** The package version (semver), equal to package.json's. */
export const VERSION = '0.1.0';
