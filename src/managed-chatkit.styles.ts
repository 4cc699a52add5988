import { css } from './style-sheet.js';

/** The element's box, ChatKit's slot, and the loading and error views over it. */
export const styles = css`

  :host {
    display: block;
    position: relative;
    height: 600px;
    box-sizing: border-box;
    color-scheme: light dark;
    font: 14px/1.4 system-ui, sans-serif;
  }
  :host([hidden]) {
    display: none;
  }
  :host([launcher]) {
    height: auto;
  }

  .surface {
    position: relative;
    width: 100%;
    height: 100%;
  }
  [part='chatkit'] {
    display: block;
    width: 100%;
    height: 100%;
  }

  .overlay {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 12px;
    padding: 24px;
    text-align: center;
    background: var(--managed-chatkit-overlay-background, Canvas);
    color: var(--managed-chatkit-overlay-color, CanvasText);
    border-radius: inherit;
  }
  .spinner {
    width: 24px;
    height: 24px;
    border: 3px solid color-mix(in srgb, currentColor 20%, transparent);
    border-top-color: currentColor;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
  [part='error'] p {
    margin: 0;
    max-width: 60ch;
    overflow-wrap: anywhere;
  }
  [part='retry-button'],
  [part='launcher'] {
    font: inherit;
    cursor: pointer;
    border: 0;
    color: var(--managed-chatkit-accent-contrast, #fff);
    background: var(--managed-chatkit-accent, #0d0d0d);
  }
  [part='retry-button'] {
    padding: 8px 16px;
    border-radius: 8px;
  }
  :is([part='retry-button'], [part='launcher']):focus-visible {
    outline: 2px solid var(--managed-chatkit-accent, #0d0d0d);
    outline-offset: 2px;
  }

`;
