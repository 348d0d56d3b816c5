// The commit this source tree was exported from. `git archive` (which scripts/release.sh builds
// from) replaces the placeholder below with the commit's full hash, as `.gitattributes` asks
// (export-subst); in a git working tree it stays a placeholder, and the build is a development build.
// Only the hash is substituted, never ref names or dates, so every archive of a commit is the same.
let sourceCommitPlaceholder = "$Format:%H$"
