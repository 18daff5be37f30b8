/**
 * Debian's Chromium driven by playwright-core (no browser download), with the checks every screen
 * gets: axe-core with no serious or critical violation, no Content-Security-Policy violation, and a
 * screenshot under screenshots/ (git-ignored) for people to look at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = fileURLToPath(new URL("../screenshots/", import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations reported by the page. */
  cspViolations: string[];
  /** Every Authorization header the page sent. */
  tokens: Set<string>;
}

export async function openTab(
  browser: Browser,
  baseURL: string,
  viewport = { width: 1100, height: 900 },
): Promise<Tab> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const tokens = new Set<string>();
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
  });
  page.on("request", (request) => {
    const authorization = request.headers().authorization;
    if (authorization) tokens.add(authorization.replace(/^Bearer /, ""));
  });
  return { context, page, cspViolations, tokens };
}

/** axe-core on the current screen (injected through the DevTools protocol: the page's CSP forbids inline scripts). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
  expect(violations, `axe on ${screen}`).toEqual([]);
}

let shot = 0;
/** Screenshot, axe and CSP check of one screen. */
export async function screen(tab: Tab, journey: string, name: string): Promise<void> {
  await tab.page.waitForLoadState("networkidle");
  mkdirSync(SCREENSHOTS, { recursive: true });
  shot += 1;
  await tab.page.screenshot({
    path: `${SCREENSHOTS}${journey}-${String(shot).padStart(2, "0")}-${name}.png`,
    fullPage: true,
  });
  await expectAccessible(tab.page, `${journey}/${name}`);
  expect(tab.cspViolations, `CSP violations on ${journey}/${name}`).toEqual([]);
}
