/**
 * A Vite plugin that fetches the main script (src/main.tsx: React and the shell, ~300 KB) with the
 * page, without running it. The page's only script is the small src/early-sign-in.ts, which imports
 * the main one once the page's own sign-in form is on screen: a module listed in the page would be
 * compiled as soon as it arrived — a long task before the form's first paint on a slow phone.
 * `preload` (not `modulepreload`, which compiles too) keeps the bytes ready for that import.
 */
import type { IndexHtmlTransformContext, Plugin } from "vite";

const MAIN = "src/main.tsx";

function preloads(bundle: IndexHtmlTransformContext["bundle"]): string[] {
  // The dev server serves sources as they are.
  if (!bundle) return [];
  const chunk = Object.values(bundle).find(
    (c) => c.type === "chunk" && c.isDynamicEntry && c.facadeModuleId?.endsWith(MAIN),
  );
  if (chunk?.type !== "chunk") throw new Error(`no chunk for ${MAIN}`);
  return [chunk.fileName, ...chunk.imports];
}

export function preloadMain(): Plugin {
  return {
    name: "passerelle-preload-main",
    transformIndexHtml: {
      order: "post",
      handler(html, context) {
        return preloads(context.bundle)
          .filter((file) => !html.includes(`/${file}"`))
          .map((file) => ({
            tag: "link",
            attrs: { rel: "preload", as: "script", crossorigin: true, href: `/${file}` },
            injectTo: "head" as const,
          }));
      },
    },
  };
}
