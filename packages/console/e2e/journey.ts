/**
 * What every journey file shares: a real server (every protection on, a real SQLite file, a free
 * port), one Chromium for the file, a fresh browser context per tab (closed after each test), and
 * the steps journeys are made of — all through the console's UI.
 *
 * The server allows 10 sign-ins per minute from one address (127.0.0.1 here): a file signs in at
 * most 10 times, and journeys are spread over files, each with its own server.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { stateLabels } from "../src/lib/labels.ts";
import type { PathwayDefinition } from "../src/lib/types.ts";
import { launch, openTab, SCREENSHOTS, type Tab } from "./browser.ts";
import { PASSWORD, startServer, type TestServer } from "./server.ts";

export let server: TestServer;
let browser: Browser;
export let gh: PathwayDefinition;
const tabs: Tab[] = [];
let signIns = 0;

/** Registers the file's hooks: server and browser before, contexts after each test, both after all. */
export function setUpJourneys(): void {
  beforeAll(async () => {
    server = await startServer();
    browser = await launch();
    // New cases are pinned to the latest published version: its labels are what the console shows.
    gh = server.app.pathways.latestPublished("GH")!.pathway as unknown as PathwayDefinition;
  });
  // Each journey's browser contexts close with it: the next journey has the browser to itself.
  afterEach(async () => {
    for (const tab of tabs.splice(0)) await tab.context.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
}

export async function tab(viewport?: { width: number; height: number }): Promise<Tab> {
  const t = await openTab(browser, server.url, viewport);
  tabs.push(t);
  return t;
}

export async function signIn(page: Page, login: string): Promise<void> {
  signIns += 1;
  if (signIns > 10)
    throw new Error("more than 10 sign-ins in one file: the server's rate limit would refuse them");
  await page.goto("/");
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Built-in events are not in the pathway's `events`; the server labels them itself. */
const BUILT_IN_LABELS: Record<string, string> = { RECORD_CONSENT: "Record consent" };
export const eventLabel = (type: string) => gh.events[type]?.label.en ?? BUILT_IN_LABELS[type]!;
export const stateLabel = (path: string) => stateLabels(gh, path, "en").join(" › ");
export function valueLabel(type: string, field: string, value: string): string {
  const spec = gh.events[type]?.data?.[field];
  return spec?.valueLabels?.[value]?.en ?? value;
}

export async function caseState(page: Page): Promise<string> {
  return (await page.getByTestId("case-state").textContent()) ?? "";
}

export async function waitForState(page: Page, path: string): Promise<void> {
  try {
    await page
      .getByTestId("case-state")
      .filter({ hasText: stateLabel(path) })
      .waitFor();
  } catch (error) {
    await page.screenshot({ path: `${SCREENSHOTS}failure-${path}.png`, fullPage: true });
    throw error;
  }
  expect(await caseState(page)).toBe(stateLabel(path));
}

export type Fill = Record<string, string | string[] | boolean>;

/** Click the event's button, fill its generated form, send it. */
export async function sendEvent(page: Page, type: string, data: Fill = {}): Promise<void> {
  await page
    .locator("section:has(#actions)")
    .getByRole("button", { name: eventLabel(type), exact: true })
    .click();
  const form = page.locator(".event-form");
  await form.getByRole("heading", { name: eventLabel(type) }).waitFor();
  for (const [field, value] of Object.entries(data)) {
    const input = form.locator(`#event-${type}_${field}`);
    if (typeof value === "boolean") await input.setChecked(value);
    else if (Array.isArray(value))
      await input.selectOption(value.map((v) => ({ label: valueLabel(type, field, v) })));
    else await input.selectOption({ label: valueLabel(type, field, value) });
  }
  await form.getByRole("button", { name: "Send" }).click();
}

export async function openCaseFromRegister(
  page: Page,
  person: { given: string; family: string; birth?: string; uncertain?: boolean },
) {
  await page.getByRole("link", { name: "Register a person" }).click();
  await page.getByRole("heading", { name: "Register a presumed victim" }).waitFor();
  await page.getByLabel("Given name").fill(person.given);
  await page.getByLabel("Family name").fill(person.family);
  if (person.birth) await page.getByLabel("Birth date").fill(person.birth);
  if (person.uncertain) await page.getByLabel("The age is uncertain").check();
  await page.getByLabel("Sex").selectOption("female");
  await page.getByLabel("How the person was identified").selectOption("outreach");
}

export async function submitRegistration(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Register", exact: true }).click();
  const heading = page.getByRole("heading", { name: /^Case case_/ });
  await heading.waitFor();
  return ((await heading.textContent()) ?? "").replace("Case ", "");
}

/** Presses Tab until the focused element matches, as a keyboard-only user would. */
export async function tabTo(page: Page, describe: string, matches: () => boolean): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate(matches)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${describe}`);
}
