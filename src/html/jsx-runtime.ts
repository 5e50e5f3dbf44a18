/**
 * A tiny JSX runtime that renders straight to strings. Every string child and attribute value is escaped;
 * the only way to emit markup unescaped is `raw()`, reserved for markup the server made itself (chart SVG).
 * Components are plain functions from props to `Html`.
 */

/** Markup that is already safe to emit. Only this module and `raw()` create it. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Child = Html | string | number | boolean | null | undefined | readonly Child[];
type AttrValue = string | number | boolean | null | undefined;
export type Props = Record<string, unknown> & { children?: Child };
export type Component<P = Props> = (props: P) => Html;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Trusted, server-made markup (e.g. SVG from the chart module). Never pass user input. */
export function raw(markup: string): Html {
  return new Html(markup);
}

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'wbr',
]);
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction']);
const NAME = /^[a-zA-Z][a-zA-Z0-9-:]*$/;

function renderChildren(c: Child, out: string[]): void {
  if (c === null || c === undefined || c === false || c === true) return;
  if (c instanceof Html) out.push(c.value);
  else if (Array.isArray(c)) for (const x of c as readonly Child[]) renderChildren(x, out);
  else out.push(escapeHtml(String(c)));
}

function renderAttr(name: string, v: AttrValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (!NAME.test(name)) throw new Error(`invalid attribute name ${JSON.stringify(name)}`);
  // Event handler attributes would be inline script, which the CSP forbids anyway: refuse them early.
  if (/^on/i.test(name)) throw new Error(`inline event handler ${name} is not allowed`);
  if (v === true) return ` ${name}`;
  let s = String(v);
  // Escaping keeps a value inside its quotes, but a javascript: URL would still run when followed.
  if (URL_ATTRS.has(name.toLowerCase()) && /^\s*(javascript|vbscript|data):/i.test(s)) s = '#';
  return ` ${name}="${escapeHtml(s)}"`;
}

type Type = string | Component<never> | typeof Fragment;

/** The automatic-runtime entry point (`jsx` for one child, `jsxs` for many: same thing here). */
export function jsx(type: Type, props: Props, _key?: unknown): Html {
  if (type === Fragment) return Fragment(props);
  if (typeof type === 'function') return (type as Component<Props>)(props);
  if (!NAME.test(type)) throw new Error(`invalid element name ${JSON.stringify(type)}`);
  const out = [`<${type}`];
  for (const [k, v] of Object.entries(props)) {
    if (k === 'children') continue;
    out.push(renderAttr(k, v as AttrValue));
  }
  out.push('>');
  if (VOID.has(type)) return new Html(out.join(''));
  renderChildren(props.children, out);
  out.push(`</${type}>`);
  return new Html(out.join(''));
}
export const jsxs = jsx;

export function Fragment(props: { children?: Child }): Html {
  const out: string[] = [];
  renderChildren(props.children, out);
  return new Html(out.join(''));
}

/** Renders a full document with its doctype. */
export function renderDocument(root: Html): string {
  return `<!doctype html>${root.value}`;
}

type Attrs = Record<string, AttrValue | Child> & { children?: Child };

// TypeScript finds the JSX types in the runtime module; a namespace is how the compiler looks them up.
// eslint-disable-next-line @typescript-eslint/no-namespace
export namespace JSX {
  export type Element = Html;
  export interface IntrinsicElements {
    [tag: string]: Attrs;
  }
  export interface ElementChildrenAttribute {
    children: unknown;
  }
}
