// Vitest compiles JSX in development mode, which imports `jsxDEV` from here; it renders the same way.
export { Fragment, jsx as jsxDEV, type JSX } from './jsx-runtime.ts';
