/**
 * The demo: a deterministic, synthetic request history for demos, screenshots and benchmarks (see
 * generate.ts). What the rest of Candor uses of it; the files beside this one are its parts.
 */
export { TWILIO_2015_H1 } from './agencies.ts';
export { KEPT_UP_AHEAD_MS } from './finish.ts';
export { demoStream, generateDemo, type DemoOptions } from './generate.ts';
export { accountsOf, demoSummary, periodOf, type DemoPeriodSummary } from './summary.ts';
