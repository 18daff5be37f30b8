/**
 * Console load benchmark (not a test): builds the console, starts a real server, and prints
 * - the compressed bytes the first page load fetches (goal ≤ 250 KB) and the lazy chunks apart;
 * - in headless Chromium at 400 kbit/s, 400 ms latency and 4× CPU slowdown (DevTools protocol),
 *   the time from navigation to a usable home screen (through the sign-in screen) and from a
 *   click on a case to a usable case page, with a cold cache and then a warm one (goals ≤ 5 s and
 *   ≤ 2 s warm).
 * Run: npx --yes pnpm@10 --filter @passerelle/console bench
 * (BENCH_TRACE=/abs/path/trace.json also writes a Chrome trace of the warm load.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { build } from "vite";
import { launch } from "../e2e/browser.ts";
import { CONSOLE_DIST, PASSWORD, startServer } from "../e2e/server.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
await build({ root, logLevel: "error", configFile: join(root, "vite.config.ts") });

const server = await startServer();
const login = await server.user("caseworker");
// A few cases in reach so the home lists and a case page have something to show.
const ids: string[] = [];
for (let i = 0; i < 5; i += 1) {
  const opened = await server.app.cases.open(
    {
      country: "GH",
      person: { birthDate: "1990-01-01", sex: "female" },
      identification: { date: "2026-11-30", agency: "mogcsp", method: "outreach" },
    },
    "bench",
  );
  ids.push(opened.id);
}

const browser = await launch();
const KBIT = 1000 / 8;

/** One request of a page load: when it started and ended (seconds from the first request), and how. */
interface Fetch {
  method: string;
  path: string;
  start: number;
  end?: number;
  status?: number;
  bytes?: number;
  cached?: boolean;
}

async function throttled(
  context: BrowserContext,
): Promise<{ page: Page; bytes: Map<string, number>; waterfall: Fetch[] }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 400,
    downloadThroughput: 400 * KBIT,
    uploadThroughput: 400 * KBIT,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const bytes = new Map<string, number>();
  const urls = new Map<string, string>();
  // The request waterfall, to see what a screen waits for (CDP timestamps are in seconds).
  const waterfall: Fetch[] = [];
  const byId = new Map<string, Fetch>();
  let base: number | undefined;
  cdp.on("Network.requestWillBeSent", (e) => {
    base ??= e.timestamp;
    const fetch: Fetch = {
      method: e.request.method,
      path: new URL(e.request.url).pathname,
      start: e.timestamp - base,
    };
    byId.set(e.requestId, fetch);
    waterfall.push(fetch);
  });
  cdp.on("Network.requestServedFromCache", (e) => {
    const fetch = byId.get(e.requestId);
    if (fetch) fetch.cached = true;
  });
  cdp.on("Network.responseReceived", (e) => {
    urls.set(e.requestId, new URL(e.response.url).pathname);
    const fetch = byId.get(e.requestId);
    if (fetch) {
      fetch.status = e.response.status;
      if (e.response.fromDiskCache || e.response.fromPrefetchCache) fetch.cached = true;
    }
  });
  cdp.on("Network.loadingFinished", (e) => {
    const url = urls.get(e.requestId);
    if (url) bytes.set(url, (bytes.get(url) ?? 0) + e.encodedDataLength);
    const fetch = byId.get(e.requestId);
    if (fetch && base !== undefined) {
      fetch.end = e.timestamp - base;
      fetch.bytes = e.encodedDataLength;
    }
  });
  return { page, bytes, waterfall };
}

async function journey(page: Page, bytes: Map<string, number>) {
  const start = Date.now();
  // From the navigation's commit, not its `load` event: the page's own sign-in form can be typed
  // in before the scripts have run (and `load` waits for them).
  await page.goto(server.url, { waitUntil: "commit" });
  await page.getByLabel("Password").waitFor();
  const signIn = Date.now() - start;
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  const clicked = Date.now() - start;
  await page.getByRole("link", { name: ids[0]! }).first().waitFor();
  const home = Date.now() - start;
  // The typing (Playwright's steps, which wait for the page's main thread) and what follows the click.
  const typing = clicked - signIn;
  const afterSignIn = home - clicked;
  // What the first load fetched, up to a usable home screen.
  await page.waitForLoadState("networkidle");
  const atHome = new Map(bytes);
  const click = Date.now();
  await page.getByRole("link", { name: ids[0]! }).first().click();
  await page.getByRole("heading", { name: "What you can do now" }).waitFor();
  await page.getByTestId("case-state").waitFor();
  const casePage = Date.now() - click;
  return { times: { signIn, typing, home, afterSignIn, casePage }, atHome };
}

const context = await browser.newContext();
const cold = await throttled(context);
const { times: coldTimes, atHome } = await journey(cold.page, cold.bytes);
const firstLoad = [...atHome].filter(([path]) => !path.startsWith("/v1/"));
const apiAtHome = [...atHome].filter(([path]) => path.startsWith("/v1/"));
await cold.page.close();
const warm = await throttled(context);
// BENCH_TRACE=file.json: a Chrome trace of the warm load (open it in chrome://tracing or Perfetto)
// — what the main thread does while the page waits.
const trace = process.env.BENCH_TRACE;
if (trace) await browser.startTracing(warm.page, { path: trace, screenshots: false });
const { times: warmTimes } = await journey(warm.page, warm.bytes);
if (trace) await browser.stopTracing();
const warmWaterfall = [...warm.waterfall];
await warm.page.close();
await context.close();
await browser.close();
await server.close();

// What the first load fetched (document, scripts, styles, icon, settings), as transferred.
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const fetched = new Set(firstLoad.map(([path]) => path));
console.log("\nFirst load (sign-in screen, then home), bytes transferred (brotli):");
let total = 0;
for (const [path, size] of firstLoad) {
  total += size;
  console.log(`  ${path.padEnd(40)} ${kb(size)}`);
}
console.log(`  ${"total".padEnd(40)} ${kb(total)}  (goal ≤ 250 KB)`);

console.log("\nAPI answers fetched on the way (not counted above):");
for (const [path, size] of apiAtHome) console.log(`  ${path.padEnd(40)} ${kb(size)}`);

console.log("\nChunks not in the first load (brotli size on disk; fetched when a screen needs them):");
const assets = join(CONSOLE_DIST, "assets");
for (const name of readdirSync(assets).filter((n) => n.endsWith(".js") || n.endsWith(".css"))) {
  if (fetched.has(`/assets/${name}`)) continue;
  const br = join(assets, `${name}.br`);
  const size = statSync(br, { throwIfNoEntry: false })?.size ?? readFileSync(join(assets, name)).length;
  console.log(`  ${name.padEnd(40)} ${kb(size)}`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log("\nTimes at 400 kbit/s, 400 ms latency, 4× CPU slowdown:");
for (const [name, t] of [
  ["cold", coldTimes],
  ["warm", warmTimes],
] as const) {
  console.log(
    `  ${name}: sign-in screen usable ${s(t.signIn)}; home usable ${s(t.home)} from navigation (typing ${s(t.typing)}, then ${s(t.afterSignIn)} after the click on Sign in); case page usable ${s(t.casePage)} after the click`,
  );
}
console.log("\nWarm load, requests up to the case page (seconds from the first request; cached = not sent):");
for (const f of warmWaterfall) {
  const end = f.end === undefined ? "   —  " : f.end.toFixed(2).padStart(6);
  const how = f.cached ? "cached" : `${f.status ?? "—"} ${kb(f.bytes ?? 0)}`;
  console.log(
    `  ${f.start.toFixed(2).padStart(6)} → ${end}  ${f.method.padEnd(5)} ${f.path.padEnd(34)} ${how}`,
  );
}
console.log(JSON.stringify({ firstLoadBytes: total, cold: coldTimes, warm: warmTimes }));
