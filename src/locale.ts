import type { SupportedLocale } from '@openai/chatkit';

/** Every locale ChatKit accepts without falling back to English (`SupportedLocale` of `@openai/chatkit`). */
const SUPPORTED = new Set<string>([
  ...'am ar bg-BG bn-BD bs-BA ca-ES cs-CZ da-DK de-DE el-GR es-419 es-ES et-EE fi-FI fr-CA fr-FR gu-IN hi-IN hr-HR hu-HU hy-AM id-ID is-IS it-IT ja-JP ka-GE kk kn-IN ko-KR lt lv-LV mk-MK ml mn mr-IN ms-MY my-MM nb-NO nl-NL pa pl-PL pt-BR pt-PT ro-RO ru-RU sk-SK sl-SI so-SO sq-AL sr-RS sv-SE sw-TZ ta-IN te-IN th-TH tl tr-TR uk-UA ur vi-VN zh-CN zh-HK zh-TW'.split(' '),
  ...'bg bn bs ca cs da de el es et fi fr gu hi hr hu hy id is it ja ka kn ko lv mk mr ms my nb nl pl pt ro ru sk sl so sq sr sv sw ta te th tr uk vi zh zh-Hant en'.split(' '),
]);
const BY_LOWER = new Map([...SUPPORTED].map((locale) => [locale.toLowerCase(), locale]));

/**
 * The nearest locale ChatKit supports for a BCP 47 tag: the tag itself (any case), else its language with script
 * (`zh-Hant-TW` → `zh-Hant`), else its language (`de-AT` → `de`, `no` → `nb`); `null` when ChatKit has none.
 */
export function nearestSupportedLocale(tag: string): SupportedLocale | null {
  const parts = tag.trim().replace(/_/g, '-').split('-').filter(Boolean);
  for (let length = parts.length; length > 0; length--) {
    const found = BY_LOWER.get(parts.slice(0, length).join('-').toLowerCase());
    if (found) return found as SupportedLocale;
  }
  const language = parts[0]?.toLowerCase();
  if (language === 'no' || language === 'nn') return 'nb';
  return null;
}
