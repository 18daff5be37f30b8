/**
 * The page's own sign-in form (index.html, src/lib/early-form.ts) in Debian's headless Chromium
 * against a real server: it signs in before React has started, React's sign-in screen takes over
 * what was typed and what was sent, and the browser never sends the form itself. React is held back
 * by holding its script (`main-….js`) until the test lets it through.
 */
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import { server, setUpJourneys, tab } from "./journey.ts";
import { PASSWORD } from "./server.ts";

setUpJourneys();

/** Holds React's script until the returned function is called. */
async function holdReact(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(/\/assets\/main-[^/]+\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

const reactStarted = (page: Page) => page.waitForFunction(() => !document.getElementById("early-sign-in"));

describe("the page's own sign-in form", () => {
  it("signs in and asks for the home's lists before React has started", async () => {
    const t = await tab();
    const { page } = t;
    const login = await server.user("caseworker");
    const release = await holdReact(page);
    const sent: string[] = [];
    page.on("request", (request: Request) =>
      sent.push(`${request.method()} ${new URL(request.url()).pathname}`),
    );
    await page.goto("/", { waitUntil: "commit" });
    await page.getByLabel("Login", { exact: true }).fill(login);
    await page.getByLabel("Password").fill(PASSWORD);
    const answer = page.waitForResponse((r) => r.url().endsWith("/v1/auth/login"));
    const lists = page.waitForRequest((r) => new URL(r.url()).pathname === "/v1/cases");
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await answer).status()).toBe(200);
    await lists;
    // Still the page's own form: React's script has not run.
    expect(await page.locator("#early-sign-in").count()).toBe(1);
    expect(page.url()).toBe(`${server.url}/`);
    expect(sent.filter((s) => s.startsWith("POST "))).toEqual(["POST /v1/auth/login"]);

    release();
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("heading", { name: "My work" }).waitFor();
    // The token stays in memory: nothing of it in the page's storage.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(t.tokens.size).toBe(1);
    for (const token of t.tokens) expect(stored).not.toContain(token);
  });

  it("keeps what was typed and the focus when React's screen takes over", async () => {
    const { page } = await tab();
    const login = await server.user("caseworker");
    const release = await holdReact(page);
    await page.goto("/", { waitUntil: "commit" });
    await page.getByLabel("Login", { exact: true }).fill(login);
    await page.getByLabel("Password").click();
    await page.keyboard.type("correct horse");

    release();
    await reactStarted(page);
    await page.getByLabel("Language").waitFor();
    expect(await page.getByLabel("Login", { exact: true }).inputValue()).toBe(login);
    expect(await page.getByLabel("Password").inputValue()).toBe("correct horse");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("password");
    // Carried over as a property: the password is in no attribute of the page.
    expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain("correct horse");

    await page.keyboard.type(PASSWORD.slice("correct horse".length));
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  });

  it("shows a refusal sent before React on React's sign-in screen", async () => {
    const { page } = await tab();
    const login = await server.user("caseworker");
    const release = await holdReact(page);
    await page.goto("/", { waitUntil: "commit" });
    await page.getByLabel("Login", { exact: true }).fill(login);
    await page.getByLabel("Password").fill("not the password");
    const answer = page.waitForResponse((r) => r.url().endsWith("/v1/auth/login"));
    await page.getByRole("button", { name: "Sign in" }).click();
    expect((await answer).status()).toBe(401);

    release();
    await reactStarted(page);
    await page.getByText("Wrong login or password.").waitFor();
    expect(await page.getByRole("button", { name: "Sign in" }).isEnabled()).toBe(true);
  });

  it("is never sent by the browser itself: its button waits for the script", async () => {
    const { page } = await tab();
    await page.route(/\/assets\/index-[^/]+\.js$/, (route) => route.abort());
    const posts: string[] = [];
    page.on("request", (request: Request) => {
      if (request.method() !== "GET") posts.push(request.url());
    });
    await page.goto("/");
    expect(await page.getByRole("button", { name: "Sign in" }).isDisabled()).toBe(true);
    await page.getByLabel("Login", { exact: true }).fill("someone");
    await page.getByLabel("Password").fill("a secret");
    await page.getByLabel("Password").press("Enter");
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    expect(page.url()).toBe(`${server.url}/`);
  });
});
