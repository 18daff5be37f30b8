/**
 * The signed-in session: who the user is and their token (kept in memory by lib/api.ts only).
 * Sign-out revokes the token on the server. After `idleMinutes` without a key press, click or touch
 * the session ends the same way and the sign-in screen says why — shared laptops are the rule.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";
import { api, post, setToken, whenUnauthorized } from "./api.ts";
import { forgetPrefetched } from "./home-lists.ts";
import { requestSignIn } from "./sign-in.ts";
import type { User } from "./types.ts";

export type EndReason = "signedOut" | "idle" | "expired";

interface SessionValue {
  user: User | null;
  ended: EndReason | null;
  idleMinutes: number;
  signIn(login: string, password: string): Promise<void>;
  /** Completes a sign-in already sent (by the page's own form, before React started). */
  finishSignIn(answer: Promise<User>): Promise<void>;
  signOut(reason?: EndReason): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export const DEFAULT_IDLE_MINUTES = 30;
const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "touchstart"] as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ended, setEnded] = useState<EndReason | null>(null);
  const [idleMinutes, setIdleMinutes] = useState(DEFAULT_IDLE_MINUTES);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    // The operator sets the idle limit on the server (PASSERELLE_CONSOLE_IDLE_MINUTES).
    api<{ idleMinutes?: number }>("GET", "/console-config.json")
      .then((config) => {
        if (typeof config.idleMinutes === "number" && config.idleMinutes > 0)
          setIdleMinutes(config.idleMinutes);
      })
      .catch(() => undefined);
  }, []);

  const signOut = useCallback(async (reason: EndReason = "signedOut") => {
    if (reason !== "expired") await post("/v1/auth/logout").catch(() => undefined);
    setToken(null);
    forgetPrefetched();
    setUser(null);
    setEnded(reason);
    window.location.hash = "#/";
  }, []);

  const finishSignIn = useCallback(async (answer: Promise<User>) => {
    setUser(await answer);
    setEnded(null);
  }, []);

  const signIn = useCallback(
    (login: string, password: string) => finishSignIn(requestSignIn(login, password)),
    [finishSignIn],
  );

  useEffect(() => {
    whenUnauthorized(() => void signOut("expired"));
    return () => whenUnauthorized(null);
  }, [signOut]);

  useEffect(() => {
    if (!user) return;
    const restart = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void signOut("idle"), idleMinutes * 60_000);
    };
    restart();
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, restart, { passive: true });
    return () => {
      if (timer.current) clearTimeout(timer.current);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, restart);
    };
  }, [user, idleMinutes, signOut]);

  return (
    <SessionContext.Provider value={{ user, ended, idleMinutes, signIn, finishSignIn, signOut }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The signed-in user (screens behind sign-in only). */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error("no user signed in");
  return user;
}
