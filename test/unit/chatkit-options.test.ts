import { beforeAll, describe, expect, it } from 'vitest';
import { buildChatKitOptions, parseOptionsJson, type OptionLayers } from '../../src/chatkit-options.js';
import { ManagedChatKitError } from '../../src/errors.js';
import { load } from '../../src/on-demand.js';

// Failures are worded by a chunk the element fetches on its first one; with it in, every error is worded as it is made.
beforeAll(() => load(['failureMessages']));

const api = { getClientSecret: async () => 'secret' };
const build = (layers: Partial<OptionLayers>) => buildChatKitOptions({ attributes: {}, prefersDark: false, api, ...layers });

describe('buildChatKitOptions', () => {
  it('layers JSON child < options property < attributes, merging plain objects deeply', () => {
    const options = build({
      json: { locale: 'de-DE', composer: { placeholder: 'json', attachments: { enabled: true } }, startScreen: { greeting: 'json' } },
      options: { locale: 'fr-FR', composer: { placeholder: 'property' } },
      attributes: { placeholder: 'attribute' },
    });
    expect(options.locale).toBe('fr-FR');
    expect(options.composer).toEqual({ placeholder: 'attribute', attachments: { enabled: true } });
    expect(options.startScreen).toEqual({ greeting: 'json' });
  });

  it('always uses the element’s own api, whatever a layer says', () => {
    const foreign = { getClientSecret: async () => 'stolen' };
    const options = build({ json: { api: foreign } as never, options: { api: foreign } as never });
    expect(options.api).toBe(api);
  });

  it('maps every option attribute onto its ChatKit path', () => {
    const options = build({
      attributes: {
        theme: 'dark',
        accentColor: '#ff5500',
        locale: 'ja',
        placeholder: 'Ask…',
        greeting: 'Hello',
        frameTitle: 'Support chat',
        initialThread: 'thr_1',
      },
    });
    expect(options).toEqual({
      theme: { colorScheme: 'dark', color: { accent: { primary: '#ff5500', level: 1 } } },
      locale: 'ja',
      composer: { placeholder: 'Ask…' },
      startScreen: { greeting: 'Hello' },
      frameTitle: 'Support chat',
      initialThread: 'thr_1',
      api,
    });
  });

  it('keeps a theme object from lower layers when the theme attribute sets only the color scheme', () => {
    const options = build({
      options: { theme: { radius: 'pill', color: { accent: { primary: 'red', level: 3 } } } },
      attributes: { theme: 'dark', accentColor: 'blue' },
    });
    expect(options.theme).toEqual({ radius: 'pill', colorScheme: 'dark', color: { accent: { primary: 'blue', level: 3 } } });
  });

  it('turns a string theme from a lower layer into an object before adding the accent', () => {
    expect(build({ json: { theme: 'dark' }, attributes: { accentColor: 'red' } }).theme).toEqual({
      colorScheme: 'dark',
      color: { accent: { primary: 'red', level: 1 } },
    });
  });

  it('resolves theme="auto" from prefers-color-scheme', () => {
    expect(build({ attributes: { theme: 'auto' }, prefersDark: true }).theme).toEqual({ colorScheme: 'dark' });
    expect(build({ attributes: { theme: 'auto' }, prefersDark: false }).theme).toEqual({ colorScheme: 'light' });
  });

  it('rejects an unknown theme with a config error naming the allowed values', () => {
    expect(() => build({ attributes: { theme: 'purple' } })).toThrowError(/theme="purple" is not one of light, dark, auto/);
    try {
      build({ attributes: { theme: 'purple' } });
    } catch (error) {
      expect(error).toBeInstanceOf(ManagedChatKitError);
      expect((error as ManagedChatKitError).phase).toBe('config');
    }
  });

  it('lets a remembered thread win over initial-thread', () => {
    expect(build({ attributes: { initialThread: 'thr_attr' }, thread: 'thr_saved' }).initialThread).toBe('thr_saved');
    expect(build({ attributes: { initialThread: 'thr_attr' }, thread: null }).initialThread).toBe('thr_attr');
  });

  it('does not let JSON pollute prototypes', () => {
    const json = parseOptionsJson('{"__proto__": {"polluted": true}, "composer": {"__proto__": {"x": 1}}}');
    const options = build({ json });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(options.composer)).toBe(Object.prototype);
  });

  it('leaves the layers it merged untouched', () => {
    const json = { composer: { placeholder: 'json' } };
    build({ json, attributes: { placeholder: 'attribute' } });
    expect(json).toEqual({ composer: { placeholder: 'json' } });
  });
});

describe('parseOptionsJson', () => {
  it('returns undefined for an empty child', () => {
    expect(parseOptionsJson('  \n ')).toBeUndefined();
  });

  it('names the parse problem for invalid JSON', () => {
    expect(() => parseOptionsJson('{"locale": }')).toThrowError(/options inside <managed-chatkit> are not valid JSON: .*Unexpected token/);
  });

  it('refuses JSON that is not an object', () => {
    expect(() => parseOptionsJson('[1, 2]')).toThrowError(/must be a JSON object/);
  });
});
