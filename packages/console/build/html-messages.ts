/**
 * A Vite plugin that writes English messages into index.html: `{{login.title}}` becomes the text
 * of `login.title` in src/i18n/en.json, HTML-escaped. The page's own sign-in form (shown before
 * the script has started) then says what the sign-in screen says, from the same file.
 */
import { readFileSync } from "node:fs";
import type { Plugin } from "vite";

const MESSAGES = new URL("../src/i18n/en.json", import.meta.url);

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function htmlMessages(): Plugin {
  return {
    name: "passerelle-html-messages",
    transformIndexHtml(html) {
      const messages = JSON.parse(readFileSync(MESSAGES, "utf8")) as Record<string, string>;
      return html.replace(/\{\{([a-zA-Z0-9_.]+)\}\}/g, (_, id: string) => {
        const text = messages[id];
        if (text === undefined) throw new Error(`index.html names an unknown message: ${id}`);
        return escapeHtml(text);
      });
    },
  };
}
