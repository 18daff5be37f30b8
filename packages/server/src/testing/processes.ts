/**
 * Test helper: Passerelle's own entry points as real child processes (the API server, the reminder
 * worker), started with `tsx` from the package directory, each resolved once it says it is ready.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface Started {
  child: ChildProcess;
  /** What the process wrote to stdout and stderr so far (its logs: for a failing test's message). */
  output: () => string;
}

/** Starts `tsx <script> ...args` and resolves when a line of its output matches `ready`. */
export function startTsx(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Started & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = ready.exec(out);
      if (match) resolve({ child, output: () => out, match });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${out.slice(-2000)}`)),
    );
  });
}

/** The API server on a free port; resolves with its base URL. */
export async function startServer(env: Record<string, string>): Promise<Started & { url: string }> {
  const started = await startTsx(
    "src/server.ts",
    [],
    { PORT: "0", HOST: "127.0.0.1", ...env },
    /listening on (http:\/\/\S+)/,
  );
  return { ...started, url: started.match[1]! };
}

/** `passerelle worker`; resolves once it consumes the queue. */
export function startWorker(env: Record<string, string>): Promise<Started> {
  return startTsx("src/cli/main.ts", ["worker"], env, /reminder worker started/);
}

/** Kills a process at once (no drain): what a crash or an OOM kill does. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
