// Ink loads React DevTools only when DEV=true; the TUI never ships them (scripts/build.mjs aliases the
// package to this file, so the bundle does not need it installed).
export default {
  initialize(): void {},
  connectToDevTools(): void {},
};
