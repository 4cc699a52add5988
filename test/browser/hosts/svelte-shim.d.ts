// `.svelte` files are compiled by test/fixtures/svelte-plugin.mjs when the browser asks for them.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<any, any>;
  export default component;
}
