/**
 * The shell: language (ICU messages via react-intl), session, navigation by role, and the screen
 * of the current route. Screens other than sign-in and home load on demand.
 */
import { lazy, type ReactNode, Suspense, useEffect, useState } from "react";
import { IntlProvider } from "react-intl";
import { Loading } from "./components.tsx";
import {
  englishMessages,
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  loadMessages,
  type Messages,
  rememberedLanguage,
  rememberLanguage,
} from "./i18n/languages.ts";
import { useT } from "./i18n/use-t.ts";
import { href, type Route, useRoute } from "./lib/router.ts";
import { SessionProvider, useSession } from "./lib/session.tsx";
import Home from "./screens/Home.tsx";
import Login from "./screens/Login.tsx";

const CasePage = lazy(() => import("./case/CasePage.tsx"));
const Register = lazy(() => import("./screens/Register.tsx"));
const Pathways = lazy(() => import("./screens/Pathways.tsx"));
const PathwayVersion = lazy(() => import("./screens/PathwayVersion.tsx"));
const Stats = lazy(() => import("./screens/Stats.tsx"));
const Audit = lazy(() => import("./screens/Audit.tsx"));
const Admin = lazy(() => import("./screens/Admin.tsx"));

export default function App() {
  const [language, setLanguage] = useState<Language>(rememberedLanguage);
  const [messages, setMessages] = useState<Messages>(englishMessages);
  useEffect(() => {
    let live = true;
    loadMessages(language).then((m) => live && setMessages(m));
    document.documentElement.lang = language;
    return () => {
      live = false;
    };
  }, [language]);
  const choose = (value: string) => {
    if (!isLanguage(value)) return;
    rememberLanguage(value);
    setLanguage(value);
  };
  return (
    <IntlProvider locale={language} messages={messages} defaultLocale="en">
      <SessionProvider>
        <Shell language={language} onLanguage={choose} />
      </SessionProvider>
    </IntlProvider>
  );
}

function Shell({ language, onLanguage }: { language: Language; onLanguage(value: string): void }) {
  const t = useT();
  const { user, signOut } = useSession();
  const route = useRoute();
  useEffect(() => {
    document.title = `${t(`title.${route.name}`)} — Passerelle`;
  }, [route.name, t]);
  const caseRoles = user && (user.role === "caseworker" || user.role === "supervisor");
  const links: [Route, string][] = user
    ? [
        ...(caseRoles
          ? ([
              [{ name: "home" }, t("nav.home")],
              [{ name: "register" }, t("nav.register")],
            ] as [Route, string][])
          : []),
        [{ name: "pathways" }, t("nav.pathways")],
        ...(user.role === "committee" || user.role === "supervisor"
          ? ([[{ name: "stats" }, t("nav.stats")]] as [Route, string][])
          : []),
        ...(user.role === "auditor" ? ([[{ name: "audit" }, t("nav.audit")]] as [Route, string][]) : []),
        ...(user.role === "admin" ? ([[{ name: "admin" }, t("nav.admin")]] as [Route, string][]) : []),
      ]
    : [];
  return (
    <>
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header>
        <span className="brand">Passerelle</span>
        {user && (
          <nav aria-label={t("nav.label")}>
            <ul>
              {links.map(([r, label]) => (
                <li key={r.name}>
                  <a href={href(r)} aria-current={route.name === r.name ? "page" : undefined}>
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="header-tools">
          <label htmlFor="language">{t("nav.language")}</label>
          <select id="language" value={language} onChange={(e) => onLanguage(e.target.value)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
          {user && (
            <>
              <span className="who">
                {user.userId} · {t(`role.${user.role}`)}
              </span>
              <button type="button" className="secondary" onClick={() => void signOut()}>
                {t("nav.signOut")}
              </button>
            </>
          )}
        </div>
      </header>
      {user ? <Suspense fallback={<Loading />}>{screen(route, user.role)}</Suspense> : <Login />}
    </>
  );
}

function screen(route: Route, role: string): ReactNode {
  const caseRole = role === "caseworker" || role === "supervisor";
  switch (route.name) {
    case "home":
      if (caseRole) return <Home />;
      if (role === "auditor") return <Audit />;
      if (role === "admin") return <Admin />;
      return <Pathways />;
    case "register":
      return <Register />;
    case "case":
      return <CasePage id={route.id} />;
    case "pathways":
      return <Pathways />;
    case "pathway":
      return (
        <PathwayVersion
          country={route.country}
          version={route.version}
          {...(route.highlight && { highlight: route.highlight })}
        />
      );
    case "stats":
      return <Stats />;
    case "audit":
      return <Audit />;
    case "admin":
      // The server refuses the admin API to other roles anyway; they are not shown the screen.
      return role === "admin" ? <Admin /> : <NotFound />;
    default:
      return <NotFound />;
  }
}

function NotFound() {
  const t = useT();
  return (
    <main id="main">
      <h1>{t("title.notFound")}</h1>
      <a href="#/">{t("nav.home")}</a>
    </main>
  );
}
