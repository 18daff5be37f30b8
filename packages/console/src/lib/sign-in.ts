/**
 * Signing in, outside React: the page's own sign-in form (early-sign-in.ts) sends it before React
 * has started, the sign-in screen after. Either way the token goes to lib/api.ts's memory and the
 * home's lists leave the moment the answer arrives.
 */
import { post, setToken } from "./api.ts";
import { prefetchHome } from "./home-lists.ts";
import type { User } from "./types.ts";

export async function requestSignIn(login: string, password: string): Promise<User> {
  const answer = await post<{ token: string; user: User }>("/v1/auth/login", { login, password });
  setToken(answer.token);
  // Before the home renders: its lists are then already on their way.
  prefetchHome(answer.user);
  return answer.user;
}
