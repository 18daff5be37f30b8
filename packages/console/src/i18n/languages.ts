/**
 * Interface languages. Each has one JSON file of ICU messages (same keys in every file: a test
 * fails otherwise). English is bundled; French and Vietnamese load on demand so the first page
 * stays small. The choice is remembered on the device — a language is not personal data.
 */
import en from "./en.json";

export const LANGUAGES = ["en", "fr", "vi"] as const;
export type Language = (typeof LANGUAGES)[number];
export type Messages = Record<string, string>;

export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", fr: "Français", vi: "Tiếng Việt" };

const STORAGE_KEY = "passerelle.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function rememberedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage may be disabled (private mode): fall back to the browser's language.
  }
  const browser = navigator.language.slice(0, 2);
  return isLanguage(browser) ? browser : "en";
}

export function rememberLanguage(language: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Not remembered, still applied.
  }
}

export async function loadMessages(language: Language): Promise<Messages> {
  if (language === "fr") return (await import("./fr.json")).default;
  if (language === "vi") return (await import("./vi.json")).default;
  return en;
}

export const englishMessages: Messages = en;
