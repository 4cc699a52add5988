// Vue's self-contained browser build (runtime + template compiler) has the same API as the `vue` package.
declare module 'vue/dist/vue.esm-browser.prod.js' {
  export * from 'vue';
}
