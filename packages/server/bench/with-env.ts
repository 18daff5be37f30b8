/**
 * Runs `work` with some environment variables set, restoring them after: `seed --demo` (through
 * `openStorage`) takes its keys from the environment, as the server does, and a fill seeds its
 * templates under the keys of the store it fills, not of the template's own file.
 */
export async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
