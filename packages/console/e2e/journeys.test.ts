/**
 * End-to-end journeys through the console only, in Debian's headless Chromium, against a real
 * server (every protection on, a real SQLite file). Every screen visited is screenshotted and
 * checked with axe-core (no serious or critical violation) and for CSP violations.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateLabels } from "../src/lib/labels.ts";
import type { PathwayDefinition } from "../src/lib/types.ts";
import { launch, openTab, SCREENSHOTS, screen, type Tab } from "./browser.ts";
import { PASSWORD, startServer, type TestServer } from "./server.ts";

let server: TestServer;
let browser: Browser;
let gh: PathwayDefinition;
const tabs: Tab[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  gh = server.app.pathways.get("GH", 1)!.pathway as unknown as PathwayDefinition;
});
afterAll(async () => {
  for (const tab of tabs) await tab.context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function tab(): Promise<Tab> {
  const t = await openTab(browser, server.url);
  tabs.push(t);
  return t;
}

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel("Login", { exact: true }).fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Built-in events are not in the pathway's `events`; the server labels them itself. */
const BUILT_IN_LABELS: Record<string, string> = { RECORD_CONSENT: "Record consent" };
const eventLabel = (type: string) => gh.events[type]?.label.en ?? BUILT_IN_LABELS[type]!;
const stateLabel = (path: string) => stateLabels(gh, path, "en").join(" › ");
function valueLabel(type: string, field: string, value: string): string {
  const spec = gh.events[type]?.data?.[field];
  return spec?.valueLabels?.[value]?.en ?? value;
}

async function caseState(page: Page): Promise<string> {
  return (await page.getByTestId("case-state").textContent()) ?? "";
}

async function waitForState(page: Page, path: string): Promise<void> {
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

type Fill = Record<string, string | string[] | boolean>;

/** Click the event's button, fill its generated form, send it. */
async function sendEvent(page: Page, type: string, data: Fill = {}): Promise<void> {
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

async function openCaseFromRegister(
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

async function submitRegistration(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Register", exact: true }).click();
  const heading = page.getByRole("heading", { name: /^Case case_/ });
  await heading.waitFor();
  return ((await heading.textContent()) ?? "").replace("Case ", "");
}

let adultCase = "";

describe("caseworker journeys", () => {
  it("signs in, registers an adult and takes the case to closed (reintegrated); a refusal changes nothing", async () => {
    const t = await tab();
    const { page } = t;
    const login = await server.user("caseworker");
    await page.goto("/");
    await page.getByRole("heading", { name: "Sign in to Passerelle" }).waitFor();
    await screen(t, "adult", "sign-in");
    await signIn(page, login);
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await screen(t, "adult", "home");

    await openCaseFromRegister(page, { given: "Amara", family: "Demoson", birth: "1990-04-02" });
    await page.getByText("An adult, from the birth date.").waitFor();
    await screen(t, "adult", "register");
    adultCase = await submitRegistration(page);
    await waitForState(page, "identification.intake");
    await screen(t, "adult", "case-opened");

    // Consent through the consent section.
    await page.locator("section:has(#consents)").getByRole("button", { name: "Record consent" }).click();
    await page.getByLabel("What it covers").selectOption("referral");
    await page.getByLabel("Decision").selectOption("true");
    await page.getByLabel("How it was obtained").selectOption("written");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("referral: given").waitFor();

    await sendEvent(page, "SCREENING_COMPLETED", {
      outcome: "trafficking",
      exploitationType: ["SexualExploitation"],
    });
    await waitForState(page, "screening.reasonableGrounds");
    const revision = await page.locator("dt:has-text('Revision') + dd").textContent();

    // Refused: assistance in the community needs the person's consent to assistance first.
    await sendEvent(page, "REASONABLE_GROUNDS_DECIDED", {
      traffickingStatus: "PossibleVictimOfTrafficking",
      decisionMakingOrg: "Police",
      accommodation: "community",
    });
    const refusal = page.locator('[role="alert"][data-code="PASSERELLE_GUARD_FAILED"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      "Not possible yet: a condition is not met. Nothing was changed.",
    );
    expect(await refusal.textContent()).toContain("consent 'assistance' not given");
    await screen(t, "adult", "refused");
    expect(await page.locator("dt:has-text('Revision') + dd").textContent()).toBe(revision);
    const stored = await server.app.cases.getJson(adultCase);
    expect(JSON.parse(stored).revision).toBe(Number(revision));
    await waitForState(page, "screening.reasonableGrounds");

    // The same consent through the generated form of the built-in event.
    await sendEvent(page, "RECORD_CONSENT", { scope: "assistance", given: true, method: "written" });
    await page.getByText("assistance: given").waitFor();
    await sendEvent(page, "REASONABLE_GROUNDS_DECIDED", {
      traffickingStatus: "PossibleVictimOfTrafficking",
      decisionMakingOrg: "Police",
      accommodation: "community",
    });
    await waitForState(page, "assistance.planning");
    await sendEvent(page, "SUPPORT_PLAN_AGREED", { services: ["medical", "psychosocial"] });
    await waitForState(page, "assistance.support");
    await sendEvent(page, "START_LOCAL_INTEGRATION", { arrangement: "localIntegration" });
    await waitForState(page, "reintegration.planning");
    await sendEvent(page, "REINTEGRATION_PLAN_AGREED", { services: ["mentoring"] });
    await waitForState(page, "reintegration.monitoring");
    await sendEvent(page, "MONITORING_VISIT_RECORDED", { visitOutcome: "onTrack" });
    await page.getByText(`Done: ${eventLabel("MONITORING_VISIT_RECORDED")}.`).waitFor();
    await sendEvent(page, "CLOSE_REINTEGRATED");
    await waitForState(page, "closed.reintegrated");
    // Stage bar: closed is current; shelter and return were never entered.
    const stages = page.getByRole("list", { name: "Stages of the case" });
    expect(await stages.locator('[aria-current="step"]').textContent()).toContain("current");
    expect(await stages.locator(".stage.skipped").count()).toBe(2);
    await screen(t, "adult", "closed");

    // Identity: only after the deliberate step, gone when the page is left.
    await page.getByRole("button", { name: "Show identity…" }).click();
    await page.getByLabel("Why you need it (recorded in the audit log)").fill("monitoring visit");
    await screen(t, "adult", "identity-ask");
    await page.getByRole("button", { name: "Show identity", exact: true }).click();
    await page.getByTestId("identity").getByText("Demoson").waitFor();
    await screen(t, "adult", "identity-shown");
    await page.getByRole("link", { name: "My work" }).click();
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await page.getByRole("link", { name: adultCase }).waitFor();
    expect(await page.content()).not.toContain("Demoson");
    await page.getByRole("link", { name: adultCase }).click();
    await waitForState(page, "closed.reintegrated");
    expect(await page.getByTestId("identity").count()).toBe(0);
    expect(await page.content()).not.toContain("Demoson");

    // Sign-out revokes the token, which was never stored anywhere but memory.
    const storage = await page.evaluate(
      () => JSON.stringify({ ...localStorage, ...sessionStorage }) + location.href,
    );
    expect(t.tokens.size).toBe(1);
    const token = [...t.tokens][0]!;
    expect(storage).not.toContain(token);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    const after = await fetch(`${server.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it("shows a name made of markup as text, and hides the identity when the tab is hidden", async () => {
    const t = await tab();
    const { page } = t;
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, await server.user("caseworker"));
    const markup = '<img src=x onerror="alert(1)">';
    await openCaseFromRegister(page, { given: markup, family: "Mockwell", birth: "1980-05-05" });
    await submitRegistration(page);
    await page.getByRole("button", { name: "Show identity…" }).click();
    await page.getByRole("button", { name: "Show identity", exact: true }).click();
    const identity = page.getByTestId("identity");
    await identity.getByText(markup).waitFor();
    expect(await identity.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    // The tab goes to the background (another person takes the laptop): the identity goes away.
    await page.evaluate(() => {
      Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await identity.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain("Mockwell");
  });

  it("a child's case (age uncertain) takes the child branch without waiting for consent", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    await openCaseFromRegister(page, { given: "Kojo", family: "Sampleton", uncertain: true });
    await page.getByText("The person will be treated as a child").waitFor();
    await screen(t, "child", "register");
    await submitRegistration(page);
    expect(await page.getByText("No consent recorded.").count()).toBe(1);
    await sendEvent(page, "SCREENING_COMPLETED", {
      outcome: "trafficking",
      exploitationType: ["ChildLabour"],
    });
    await waitForState(page, "screening.childAssessment.guardian");
    // A guardian's consent to share data names the guardian; the list never shows the name.
    const consents = page.locator("section:has(#consents)");
    await consents.getByRole("button", { name: "Record consent" }).click();
    await page.getByLabel("What it covers").selectOption("dataSharing");
    await page.getByLabel("How it was obtained").selectOption("guardian");
    await page.getByLabel("Guardian's name (confidential)").fill("Awa Placeholder");
    await page.getByLabel("Guardian's relationship to the child").selectOption("parent");
    await page.getByRole("button", { name: "Confirm" }).click();
    await consents.getByText("data sharing: given (through a guardian").waitFor();
    expect(await page.content()).not.toContain("Awa Placeholder");
    await screen(t, "child", "child-assessment");
  });

  it("two browsers on one case: the second submit gets the conflict view and overwrites nothing", async () => {
    const first = await tab();
    const second = await tab();
    await signIn(first.page, await server.user("caseworker"));
    await signIn(second.page, await server.user("caseworker"));
    await openCaseFromRegister(first.page, { given: "Fatou", family: "Fictiva", birth: "1985-01-01" });
    const id = await submitRegistration(first.page);
    await second.page.goto(`/#/cases/${id}`);
    await waitForState(second.page, "identification.intake");

    await sendEvent(first.page, "RECORD_CONSENT", { scope: "referral", given: true, method: "written" });
    await first.page.getByText("referral: given").waitFor();
    await sendEvent(second.page, "RECORD_CONSENT", { scope: "dataSharing", given: true, method: "oral" });
    const conflict = second.page.getByTestId("conflict");
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("revision 1 became 2");
    await second.page.getByText("referral: given").waitFor();
    await screen(second, "conflict", "second-browser");
    const history = await server.app.cases.history(id);
    expect(history.map((h) => h.eventType)).toEqual(["CASE_OPENED", "RECORD_CONSENT"]);
  });

  it("a supervisor snoozes and reassigns an overdue task, and reassigns the case", async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    const opened = await server.app.cases.open(
      {
        country: "GH",
        person: { birthDate: "1992-02-02", sex: "male" },
        identification: { date: tenDaysAgo.toISOString().slice(0, 10), agency: "mogcsp", method: "hotline" },
      },
      "fixture",
      tenDaysAgo,
    );
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("supervisor"));
    const row = page.locator("section:has(#my-tasks) tr.overdue-row", { hasText: opened.id });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/overdue by \d+ days/);
    await screen(t, "supervisor", "home");
    await row.getByRole("link", { name: opened.id }).click();
    await waitForState(page, "identification.intake");
    await page.getByRole("button", { name: "Postpone" }).first().click();
    await page.getByLabel("Postpone by (working days)").fill("3");
    await page.getByLabel("Reason").fill("interpreter only available next week");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Task postponed.").waitFor();
    await page
      .locator(".cards li")
      .first()
      .getByText(/due in/)
      .waitFor();
    await page.getByRole("button", { name: "Reassign", exact: true }).first().click();
    await page.getByLabel("Role").selectOption("supervisor");
    await page.getByLabel("Agency (optional)").fill("mogcsp");
    await page.getByLabel("Reason").fill("caseworker on leave");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Task reassigned.").waitFor();
    await page.locator(".cards li").first().getByText("supervisor@mogcsp").waitFor();
    await screen(t, "supervisor", "task-reassigned");
    // And the case itself, to the supervisor (their own user id is the form's default).
    await page.getByRole("button", { name: "Reassign the case" }).click();
    await page.getByText("Case reassigned.").waitFor();
    expect(JSON.parse(await server.app.cases.getJson(opened.id)).assignee).toMatch(/^user_/);
    const task = server.app.taskActions.getTask(opened.tasks[0]!.id)!;
    expect(task.assignee.role).toBe("supervisor");
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.now());
  });

  it("the language switch shows the same case in French and Vietnamese, and is remembered", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("caseworker"));
    await page.goto(`/#/cases/${adultCase}`);
    await waitForState(page, "closed.reintegrated");
    await page.getByLabel("Language").selectOption("fr");
    await page.getByRole("heading", { name: `Dossier ${adultCase}` }).waitFor();
    await page.getByRole("link", { name: "Mon travail" }).waitFor();
    await screen(t, "language", "case-fr");
    await page.getByLabel("Langue").selectOption("vi");
    await page.getByRole("heading", { name: `Hồ sơ ${adultCase}` }).waitFor();
    await screen(t, "language", "case-vi");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("vi");
    await page.reload();
    await page.getByRole("heading", { name: "Đăng nhập Passerelle" }).waitFor();
  });

  it("an auditor sees the audit log and no case data", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("auditor", "hts"));
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByText("Every audit entry is intact and linked.").waitFor();
    await screen(t, "auditor", "audit-log");
    expect(await page.getByRole("link", { name: "Register a person" }).count()).toBe(0);
    await page.goto(`/#/cases/${adultCase}`);
    await page.locator('[data-code="PASSERELLE_CASE_NOT_FOUND"]').waitFor();
    await screen(t, "auditor", "case-refused");
    const text = (await page.textContent("body")) ?? "";
    expect(text).not.toContain(stateLabel("closed.reintegrated"));
    expect(text).not.toContain("Demoson");
  });

  it("a committee member sees pathways, a version's states and diagram source, and statistics", async () => {
    const t = await tab();
    const { page } = t;
    await signIn(page, await server.user("committee", "hts"));
    await page.getByRole("heading", { name: "Pathways" }).waitFor();
    await page.getByRole("cell", { name: "GH" }).first().waitFor();
    await screen(t, "committee", "pathways");
    await page.goto(`/#/pathways/GH/1?state=assistance.support`);
    await page.getByText("the case is here").waitFor();
    // The drawn diagram marks the same state.
    const marked = page.locator(".diagram .state.here text");
    await marked.waitFor();
    expect(await marked.textContent()).toBe(stateLabels(gh, "assistance.support", "en").at(-1));
    expect(await page.locator(".diagram .edge").count()).toBeGreaterThan(20);
    await page.getByText("Diagram source (Mermaid)").click();
    await page.locator(".mermaid-text", { hasText: "stateDiagram-v2" }).waitFor();
    await screen(t, "committee", "pathway-version");
    await page.getByRole("link", { name: "Statistics" }).click();
    await page.getByRole("heading", { name: "Statistics" }).waitFor();
    await page.getByText("Cases in GH").waitFor();
    await screen(t, "committee", "statistics");
  });
});

/** Presses Tab until the focused element matches, as a keyboard-only user would. */
async function tabTo(page: Page, describe: string, matches: () => boolean): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    if (await page.evaluate(matches)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${describe}`);
}

describe("keyboard only", () => {
  it("signs in, opens a case and sends an event without a pointer", async () => {
    const t = await tab();
    const { page } = t;
    const login = await server.user("caseworker");
    await page.goto("/");
    await page.getByLabel("Password").waitFor();
    await tabTo(page, "the login field", () => document.activeElement?.id === "login");
    await page.keyboard.type(login);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await tabTo(page, "the register link", () => document.activeElement?.textContent === "Register a person");
    await page.keyboard.press("Enter");
    await page.getByLabel("How the person was identified").waitFor();
    await tabTo(page, "the method", () => document.activeElement?.id === "method");
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "the register button", () => document.activeElement?.textContent === "Register");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /^Case case_/ }).waitFor();
    await tabTo(page, "an event button", () => document.activeElement?.textContent === "Screening completed");
    await page.keyboard.press("Enter");
    await page.locator("#event-SCREENING_COMPLETED_outcome").waitFor();
    await tabTo(
      page,
      "the outcome",
      () => document.activeElement?.id === "event-SCREENING_COMPLETED_outcome",
    );
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "the send button", () => document.activeElement?.textContent === "Send");
    await page.keyboard.press("Enter");
    await waitForState(page, "screening.childAssessment.guardian");
  });
});

describe("idle session", () => {
  it("ends after the idle limit, says so, and revokes the token", async () => {
    const t = await tab();
    const { page } = t;
    await page.clock.install();
    await signIn(page, await server.user("caseworker"));
    await page.getByRole("heading", { name: "My work" }).waitFor();
    await page.clock.fastForward("29:00");
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await page.clock.fastForward("02:00");
    await page.getByText("You were signed out after 30 minutes without activity").waitFor();
    await screen(t, "idle", "signed-out");
    const token = [...t.tokens][0]!;
    await expect
      .poll(
        async () =>
          (await fetch(`${server.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status,
      )
      .toBe(401);
  });
});
