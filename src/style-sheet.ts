/**
 * A constructable style sheet from a CSS literal: adopted by the shadow root, so it needs no `<style>` element and no
 * `style-src 'unsafe-inline'`. The tag's name lets the build minify the literal.
 */
export function css(strings: TemplateStringsArray): CSSStyleSheet {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(strings.join(''));
  return sheet;
}
