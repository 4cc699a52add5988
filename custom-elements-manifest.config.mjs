// @ts-check
/**
 * custom-elements.json from the JSDoc in src/, and the host typings generated from it.
 *
 *   npm run manifest          → custom-elements.json (committed) + typings in dist/
 *   npm run build             → typings in dist/ (the manifest goes to a scratch dir; `npm test` fails when the
 *                               committed one is out of date)
 *
 * Four small plugins fill what the analyzer cannot see in how the element is written:
 * - `defineCallPlugin`: the tag comes from `ManagedChatKit.define()` (a static method with a default tag), not from a
 *   `customElements.define('managed-chatkit', …)` call, so the analyzer finds no tag and no definition export.
 * - `attributeDocsPlugin`: the class's `@attr` lines document the attributes (value space, default), but the analyzer
 *   lets a field's own JSDoc and its TypeScript type (`string | null`) overwrite them.
 * - `restParametersPlugin`: marks `...args` parameters `rest: true` (the analyzer drops the spread).
 * - `chatkitEventsPlugin`: ChatKit's events are re-fired from a list (`CHATKIT_EVENTS`), not literal `dispatchEvent`
 *   calls; each one and its dashed twin is listed, typed and described from @openai/chatkit's `ChatKitEvents`.
 * - `hostTypingsPlugin`: Vue `GlobalComponents`, Svelte 5 `SvelteHTMLElements` and JSX `IntrinsicElements` typings.
 * - `propertyTablePlugin`: the element's reactive properties are accessors made from a table (`PROPERTIES` in
 *   src/managed-chatkit.ts); their default, attribute and reflection are read from that table.
 * - `privateMembersPlugin`: drops `#private` and `private` members — internals, not API — from the manifest.
 * Plus custom-element-vs-code-integration for VS Code's HTML/CSS custom data.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { customElementVsCodePlugin } from 'custom-element-vs-code-integration';

/** Where generated typings and editor data go (the build and the freshness test point it elsewhere). */
const distDir = process.env.MANAGED_CHATKIT_DIST ?? 'dist';

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**'],
  outdir: '.',
  litelement: false,
  packagejson: false,
  plugins: [
    privateMembersPlugin(),
    propertyTablePlugin(),
    defineCallPlugin(),
    attributeDocsPlugin(),
    restParametersPlugin(),
    chatkitEventsPlugin(),
    hostTypingsPlugin({ outdir: path.join(distDir, 'types') }),
    customElementVsCodePlugin({
      outdir: distDir,
      htmlFileName: 'vscode.html-custom-data.json',
      cssFileName: 'vscode.css-custom-data.json',
      hideLogs: true,
    }),
  ],
};

/**
 * Fills each reactive property's `default`, `attribute`, `reflects` (and the attribute's `default`) from the `PROPERTIES`
 * table in src/managed-chatkit.ts: `name: [Kind.<kind>, <default>],`, the attribute being the kebab-case name.
 */
function propertyTablePlugin() {
  const source = fs.readFileSync('src/managed-chatkit.ts', 'utf8');
  const table = /const PROPERTIES[^{]*\{([\s\S]*?)\n\};/.exec(source)?.[1];
  if (!table) throw new Error('propertyTablePlugin: no PROPERTIES table in src/managed-chatkit.ts');
  const rows = [...table.matchAll(/^\s*(\w+): \[Kind\.(\w+), (.+)\],$/gm)].map(([, name, kind, initial]) => ({ name, kind, initial }));
  const kebab = (/** @type {string} */ name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return {
    name: 'managed-chatkit:property-table',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules ?? []) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.tagName !== 'managed-chatkit' && declaration.name !== 'ManagedChatKit') continue;
          for (const { name, kind, initial } of rows) {
            const member = declaration.members?.find((/** @type {any} */ m) => m.name === name);
            if (!member) throw new Error(`propertyTablePlugin: PROPERTIES lists ${name}, the class declares no such field`);
            const value = initial === 'DEFAULT_SCRIPT_SRC' ? "'https://cdn.platform.openai.com/deployments/chatkit/chatkit.js'" : initial === 'DEFAULT_TIMEOUT' ? '15000' : initial;
            Object.assign(member, { privacy: 'public', default: value });
            if (kind === 'PropertyOnly') continue;
            member.attribute = kebab(name);
            if (kind === 'Reflected') member.reflects = true;
            const attribute = declaration.attributes?.find((/** @type {any} */ a) => a.name === member.attribute);
            if (attribute) attribute.default = value;
          }
        }
      }
    },
  };
}

/** Removes private members (`#field`, `#method()`, TypeScript `private`): they are internals, not API. */
function privateMembersPlugin() {
  return {
    name: 'managed-chatkit:private-members',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules ?? []) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.members) declaration.members = declaration.members.filter((/** @type {any} */ m) => m.privacy !== 'private' && !m.name.startsWith('#'));
        }
      }
    },
  };
}

/**
 * `SomeElement.define()` / `SomeElement.define('x-tag')` registers a tag: the argument, or the default of the static
 * `define(tag = '…')` parameter. Sets `tagName` and adds the `custom-element-definition` export to the calling module.
 */
function defineCallPlugin() {
  /** @type {Array<{ module: string, className: string, tag: string | null }>} */
  const calls = [];
  return {
    name: 'managed-chatkit:define-call',
    /** @param {any} context */
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const { expression: target, name } = node.expression;
      if (name.text !== 'define' || !ts.isIdentifier(target) || target.text === 'customElements') return;
      const [first] = node.arguments;
      if (first && !ts.isStringLiteral(first)) return;
      calls.push({ module: moduleDoc.path, className: target.text, tag: first ? first.text : null });
    },
    /** @param {any} context */
    packageLinkPhase({ customElementsManifest }) {
      for (const call of calls) {
        const owner = customElementsManifest.modules.find((/** @type {any} */ mod) =>
          mod.declarations?.some((/** @type {any} */ d) => d.name === call.className && d.customElement),
        );
        if (!owner) continue;
        const declaration = owner.declarations.find((/** @type {any} */ d) => d.name === call.className);
        const define = declaration.members?.find((/** @type {any} */ m) => m.name === 'define' && m.static);
        const tag = call.tag ?? unquote(define?.parameters?.[0]?.default);
        if (!tag) continue;
        declaration.tagName = tag;
        const caller = customElementsManifest.modules.find((/** @type {any} */ mod) => mod.path === call.module);
        caller.exports ??= [];
        if (!caller.exports.some((/** @type {any} */ e) => e.kind === 'custom-element-definition' && e.name === tag)) {
          caller.exports.push({ kind: 'custom-element-definition', name: tag, declaration: { name: call.className, module: owner.path } });
        }
      }
    },
  };
}

/**
 * Makes the class's `@attr {type} name - description` lines win for attributes: their description and type describe
 * the attribute, where the analyzer would copy the field's (`string | null`). Links attributes without a field entry in
 * `static properties` (e.g. the read-only `state`) to the member of the same camelCased name.
 */
function attributeDocsPlugin() {
  /** @type {Map<string, Map<string, { type?: string, description: string }>>} */
  const docs = new Map();
  return {
    name: 'managed-chatkit:attribute-docs',
    /** @param {any} context */
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const attributes = new Map();
      for (const tag of ts.getJSDocTags(node)) {
        if (tag.tagName.text !== 'attr' && tag.tagName.text !== 'attribute') continue;
        const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
        const match = /^\s*(?:\{(.+?)\}\s+)?([\w-]+)\s+-\s+([\s\S]*)$/.exec(text);
        if (match) attributes.set(match[2], { type: match[1], description: match[3].replace(/\s+/g, ' ').trim() });
      }
      if (attributes.size) docs.set(node.name.text, attributes);
    },
    /** @param {any} context */
    packageLinkPhase({ customElementsManifest }) {
      for (const declaration of elements(customElementsManifest)) {
        const attributes = docs.get(declaration.name);
        for (const attribute of declaration.attributes ?? []) {
          const doc = attributes?.get(attribute.name);
          if (doc) {
            attribute.description = doc.description;
            if (doc.type) attribute.type = { text: doc.type };
          }
          if (!attribute.fieldName) {
            const field = camelCase(attribute.name);
            if (declaration.members?.some((/** @type {any} */ m) => m.name === field && m.kind === 'field')) attribute.fieldName = field;
          }
        }
      }
    },
  };
}

/** Marks rest parameters (`focusComposer(...args)`) with `rest: true`, which the analyzer leaves out. */
function restParametersPlugin() {
  /** @type {Set<string>} */
  const rest = new Set();
  return {
    name: 'managed-chatkit:rest-parameters',
    /** @param {any} context */
    analyzePhase({ ts, node }) {
      if (!ts.isMethodDeclaration(node) || !node.name || !ts.isClassDeclaration(node.parent) || !node.parent.name) return;
      for (const parameter of node.parameters) {
        if (parameter.dotDotDotToken) rest.add(`${node.parent.name.text}.${node.name.getText()}.${parameter.name.getText()}`);
      }
    },
    /** @param {any} context */
    packageLinkPhase({ customElementsManifest }) {
      for (const declaration of elements(customElementsManifest)) {
        for (const member of declaration.members ?? []) {
          for (const parameter of member.parameters ?? []) {
            if (rest.has(`${declaration.name}.${member.name}.${parameter.name}`)) parameter.rest = true;
          }
        }
      }
    },
  };
}

/**
 * Replaces the placeholder `@fires chatkit.ready` / `@fires chatkit-ready` lines with every event in `CHATKIT_EVENTS`
 * (src/chatkit-events.ts), each under its dotted name and its dashed twin, typed and described from
 * @openai/chatkit's `ChatKitEvents`.
 */
function chatkitEventsPlugin() {
  /** @type {string[]} */
  let names = [];
  return {
    name: 'managed-chatkit:chatkit-events',
    /** @param {any} context */
    analyzePhase({ ts, node }) {
      if (!ts.isVariableDeclaration(node) || node.name.getText() !== 'CHATKIT_EVENTS' || !node.initializer) return;
      let list = node.initializer;
      while (ts.isSatisfiesExpression(list) || ts.isAsExpression(list) || ts.isParenthesizedExpression(list)) list = list.expression;
      if (ts.isArrayLiteralExpression(list)) names = list.elements.filter(ts.isStringLiteral).map((/** @type {any} */ e) => e.text);
    },
    /** @param {any} context */
    packageLinkPhase({ customElementsManifest }) {
      if (!names.length) throw new Error('chatkit-events plugin: CHATKIT_EVENTS was not found in src/chatkit-events.ts');
      const upstream = chatkitEventDocs();
      for (const declaration of elements(customElementsManifest)) {
        const events = declaration.events ?? [];
        const at = events.findIndex((/** @type {any} */ e) => e.name === 'chatkit.ready');
        if (at === -1) continue;
        const rest = events.filter((/** @type {any} */ e) => e.name !== 'chatkit.ready' && e.name !== 'chatkit-ready');
        const expanded = names.flatMap((name) => {
          const doc = upstream.get(name);
          if (!doc) throw new Error(`chatkit-events plugin: ${name} is not in @openai/chatkit's ChatKitEvents`);
          const dashed = name.replaceAll('.', '-');
          return [
            { name, type: { text: doc.type }, description: `${doc.description} ChatKit's own event, re-fired on the host.` },
            { name: dashed, type: { text: doc.type }, description: `${doc.description} Dashed twin of \`${name}\` for Vue, Svelte and Angular templates.` },
          ];
        });
        declaration.events = [...rest.slice(0, at), ...expanded, ...rest.slice(at)];
      }
    },
  };
}

/** `ChatKitEvents` of @openai/chatkit: event name → `{ type, description }`. */
function chatkitEventDocs() {
  const file = path.resolve('node_modules/@openai/chatkit/types/index.d.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  /** @type {Map<string, { type: string, description: string }>} */
  const docs = new Map();
  ts.forEachChild(source, (/** @type {any} */ node) => {
    if (!ts.isTypeAliasDeclaration(node) || node.name.text !== 'ChatKitEvents' || !ts.isTypeLiteralNode(node.type)) return;
    for (const member of node.type.members) {
      const name = member.name.text;
      const description = (member.jsDoc ?? []).map((/** @type {any} */ d) => ts.getTextOfJSDocComment(d.comment) ?? '').join(' ').trim();
      docs.set(name, { type: member.type.getText(source).replace(/\s+/g, ' ').replace(/;\s*}/g, ' }'), description });
    }
  });
  return docs;
}

/**
 * Writes, for every element with a tag, typings that let each host's type checker see its attributes, properties and
 * events: `vue.d.ts` (Vue's `GlobalComponents`: `start-url`, `:options`, `@chatkit-ready` → `onChatkitReady`),
 * `svelte.d.ts` (Svelte 5's `SvelteHTMLElements`: `onchatkit-ready`) and `jsx.d.ts` (`CustomElements` for React 19,
 * Preact or Solid `IntrinsicElements`, and the event map for Solid's `on:` events).
 * Only dashed event names: template and JSX syntaxes cannot spell a dotted one.
 */
function hostTypingsPlugin({ outdir = 'dist/types' } = {}) {
  return {
    name: 'managed-chatkit:host-typings',
    /** @param {any} context */
    packageLinkPhase({ customElementsManifest }) {
      const entry = customElementsManifest.modules.find((/** @type {any} */ mod) => mod.path === 'src/index.ts');
      const exported = new Set((entry?.exports ?? []).map((/** @type {any} */ e) => e.name));
      const components = elements(customElementsManifest).filter((d) => d.tagName);
      fs.mkdirSync(outdir, { recursive: true });
      fs.writeFileSync(path.join(outdir, 'vue.d.ts'), vueTypings(components, exported));
      fs.writeFileSync(path.join(outdir, 'svelte.d.ts'), svelteTypings(components, exported));
      fs.writeFileSync(path.join(outdir, 'jsx.d.ts'), jsxTypings(components, exported));
    },
  };
}

const HEADER = '// Generated from custom-elements.json by custom-elements-manifest.config.mjs. Do not edit.\n';

/** @typedef {{ key: string, type: string, description: string }} Prop */

/** Attributes (settable: not the read-only ones) and writable public properties of a component. */
function propsOf(/** @type {any} */ component) {
  const members = new Map((component.members ?? []).map((/** @type {any} */ m) => [m.name, m]));
  const settable = (/** @type {any} */ m) => m && m.kind === 'field' && !m.static && !m.readonly && m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('#');
  /** @type {Prop[]} */
  const props = [];
  for (const attribute of component.attributes ?? []) {
    const field = attribute.fieldName && members.get(attribute.fieldName);
    if (field && field.readonly) continue;
    props.push({ key: attribute.name, type: attribute.type?.text ?? 'string', description: attribute.description ?? '' });
  }
  for (const member of members.values()) {
    // A property spelled like its attribute (`theme`, `timeout`) keeps the attribute's documented type.
    if (!settable(member) || props.some((p) => p.key === member.name)) continue;
    props.push({ key: member.name, type: `${component.name}['${member.name}']`, description: member.description ?? '' });
  }
  return props;
}

/** Events with names a template can spell (no dots). */
function eventsOf(/** @type {any} */ component) {
  return (component.events ?? [])
    .filter((/** @type {any} */ e) => e.name && !e.name.includes('.'))
    .map((/** @type {any} */ e) => ({ name: e.name, type: e.type?.text ?? 'CustomEvent', description: e.description ?? '' }));
}

/** `import type { … } from './index.js'` for the component classes and the exported types the typings mention. */
function importsFor(/** @type {any[]} */ components, /** @type {Set<string>} */ exported) {
  const names = new Set(components.map((c) => c.name));
  for (const component of components) {
    for (const text of [...(component.attributes ?? []).map((/** @type {any} */ a) => a.type?.text), ...eventsOf(component).map((e) => e.type)]) {
      for (const word of String(text ?? '').match(/\b[A-Z]\w*/g) ?? []) if (exported.has(word)) names.add(word);
    }
  }
  return `import type { ${[...names].sort().join(', ')} } from './index.js';\n`;
}

const doc = (/** @type {string} */ text, indent = '  ') => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n` : '');
const quote = (/** @type {string} */ key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`);
const pascalCase = (/** @type {string} */ name) => name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase());

function vueTypings(/** @type {any[]} */ components, /** @type {Set<string>} */ exported) {
  let out = `${HEADER}import type { DefineComponent } from 'vue';\n${importsFor(components, exported)}`;
  for (const c of components) {
    out += `\n/** What Vue templates may bind on \`<${c.tagName}>\`: attributes, properties, and \`@event\` listeners. */\nexport interface ${c.name}VueProps {\n`;
    for (const p of propsOf(c)) out += `${doc(p.description)}  ${quote(p.key)}?: ${p.type};\n`;
    for (const e of eventsOf(c)) out += `${doc(`\`@${e.name}\`: ${e.description}`)}  ${quote(`on${pascalCase(e.name)}`)}?: (event: ${e.type}) => void;\n`;
    out += '}\n';
  }
  out += `\ndeclare module 'vue' {\n  interface GlobalComponents {\n`;
  for (const c of components) out += `${doc(c.summary ?? '', '    ')}    '${c.tagName}': DefineComponent<${c.name}VueProps>;\n`;
  return `${out}  }\n}\n`;
}

function svelteTypings(/** @type {any[]} */ components, /** @type {Set<string>} */ exported) {
  let out = `${HEADER}import type { HTMLAttributes } from 'svelte/elements';\n${importsFor(components, exported)}`;
  for (const c of components) {
    out += `\n/** What Svelte 5 markup may set on \`<${c.tagName}>\`: attributes, properties, and \`on<event>\` handlers. */\nexport interface ${c.name}SvelteProps extends HTMLAttributes<${c.name}> {\n`;
    for (const p of propsOf(c)) out += `${doc(p.description)}  ${quote(p.key)}?: ${p.type};\n`;
    for (const e of eventsOf(c)) out += `${doc(e.description)}  ${quote(`on${e.name}`)}?: (event: ${e.type}) => void;\n`;
    out += '}\n';
  }
  out += `\ndeclare module 'svelte/elements' {\n  interface SvelteHTMLElements {\n`;
  for (const c of components) out += `${doc(c.summary ?? '', '    ')}    '${c.tagName}': ${c.name}SvelteProps;\n`;
  return `${out}  }\n}\n`;
}

function jsxTypings(/** @type {any[]} */ components, /** @type {Set<string>} */ exported) {
  let out = `${HEADER}${importsFor(components, exported)}`;
  out += `
/** Attributes every element takes in JSX. */
interface BaseProps {
  children?: unknown;
  class?: string;
  className?: string;
  id?: string;
  slot?: string;
  part?: string;
  hidden?: boolean;
  style?: string | Record<string, string | number>;
  key?: string | number;
  ref?: unknown;
}
`;
  for (const c of components) {
    out += `\n/** Events of \`<${c.tagName}>\` by name (for Solid: \`declare module 'solid-js' { namespace JSX { interface CustomEvents extends ${c.name}Events {} } }\`). */\nexport interface ${c.name}Events {\n`;
    for (const e of eventsOf(c)) out += `${doc(e.description)}  ${quote(e.name)}: ${e.type};\n`;
    out += `}\n\n/** JSX props of \`<${c.tagName}>\` (React 19 and Preact: \`on<event>\` listens to \`<event>\`). */\nexport interface ${c.name}JsxProps extends BaseProps {\n`;
    for (const p of propsOf(c)) out += `${doc(p.description)}  ${quote(p.key)}?: ${p.type};\n`;
    for (const e of eventsOf(c)) out += `${doc(e.description)}  ${quote(`on${e.name}`)}?: (event: ${e.type}) => void;\n`;
    out += '}\n';
  }
  out += `
/**
 * Tag → props, to extend your JSX's \`IntrinsicElements\` with, e.g. for React 19:
 * \`declare module 'react' { namespace JSX { interface IntrinsicElements extends CustomElements {} } }\`
 * (Preact: \`declare module 'preact'\`; Solid: \`declare module 'solid-js'\`).
 */
export interface CustomElements {
`;
  for (const c of components) out += `  '${c.tagName}': ${c.name}JsxProps;\n`;
  return `${out}}\n`;
}

/** Custom-element declarations of a manifest. */
function elements(/** @type {any} */ manifest) {
  return /** @type {any[]} */ (manifest.modules.flatMap((/** @type {any} */ mod) => (mod.declarations ?? []).filter((/** @type {any} */ d) => d.customElement)));
}

function unquote(/** @type {string | undefined} */ text) {
  const match = /^(['"`])(.*)\1$/.exec(text?.trim() ?? '');
  return match ? match[2] : null;
}

function camelCase(/** @type {string} */ name) {
  return name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
}
