// Ink renders only its last frame when `CI` is set (is-in-ci). `wtp tui` runs only on an interactive
// terminal (it refuses otherwise), so it is never "in CI" for Ink's purposes: scripts/build.mjs aliases
// the package to this file. Without it, a TUI started from a shell with CI=true showed nothing until it quit.
export default false;
