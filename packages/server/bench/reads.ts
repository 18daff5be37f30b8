/**
 * Reads over a filled store, whichever database holds it: the real server (a separate process) on
 * the store, a caseworker of Ghana's identifying agency — need-to-know limits what they see to its
 * cases, about a seventh of the store — and the same list URLs and case reads for both stores, at a
 * steady rate (the goal) and at saturation, with the bare-route floor of this machine.
 */
import { provisionToken } from "../src/testing/auth.ts";
import {
  accessLogTimes,
  auth,
  authHeaders,
  diskStallMeter,
  type Figures,
  figures,
  latencyFigures,
  pacedInFreshProcess,
  run,
  startProcess,
  stealMeter,
  stopProcess,
} from "./lib.ts";

export interface ReadsSetup {
  /** The server's environment (`DATABASE_URL` on the filled store, its keys). */
  env: Record<string, string>;
  /** Where the caseworker is provisioned: the SQLite file or the PostgreSQL URL. */
  database: string;
  /** The code of Ghana's identifying agency in the store. */
  agency: string;
  /** Cases of that agency to read, sampled at random. */
  ids: string[];
  seconds: number;
  /** Requests per second of the steady runs. */
  rate: number;
  serverNodeArgs?: string[];
}

export interface ReadFigures {
  list: Figures;
  read: Figures;
  listServer: Figures;
  readServer: Figures;
  floor: Figures;
  listFloor: Figures;
  listMax: Figures;
  readMax: Figures;
  lists: string[];
  stolen: number | null;
  /** Share of each steady run's time in which every task waited for the disk (`diskStallMeter`), in %. */
  listDiskStall: number | null;
  readDiskStall: number | null;
}

/** The list URLs rotated, for a caseworker of `agency`. */
export const listUrls = (agency: string) => [
  "/v1/cases",
  "/v1/cases?country=GH",
  ...["identification", "screening", "shelter", "reintegration", "closed"].map(
    (stage) => `/v1/cases?country=GH&stage=${stage}`,
  ),
  "/v1/cases?country=GH&overdue=true",
  "/v1/cases?overdue=true",
  // Colleagues of the caller (assignees are users of the case's agency).
  `/v1/cases?assignee=${agency}-caseworker-17`,
  `/v1/cases?assignee=${agency}-caseworker-23&overdue=true`,
  "/v1/cases?stage=closed&limit=200",
];

export async function measureReads(setup: ReadsSetup, log: (line: string) => void): Promise<ReadFigures> {
  const { rate, seconds } = setup;
  const steal = stealMeter();
  auth.token = await provisionToken(setup.database, { country: "GH", agency: setup.agency });
  const server = await startProcess("src/server.ts", setup.env, setup.serverNodeArgs ?? []);
  const lists = listUrls(setup.agency);
  // Warm-up (steady state is measured, not a cold start): every list URL for 3 s, then one read of
  // each sampled case, so the caches hold what the runs touch and the pathways are compiled.
  const caseUrls = setup.ids.map((id) => `/v1/cases/${id}`);
  await rotateGets(server.url, lists, { duration: 3 });
  await rotateGets(server.url, caseUrls, { amount: setup.ids.length });
  // At a steady rate (the goal: how long one list or read takes at a heavy national load), then as
  // fast as 10 connections go (throughput; there p50 ≈ 10 ÷ req/s, latency is queueing).
  // The server's own time of each request too (its access log): on a shared VM the load
  // generator's and the scheduler's share of a latency can be larger than the server's.
  const steady = { rate, seconds, headers: authHeaders() };
  const times = accessLogTimes(server.child);
  times.take("");
  let stall = diskStallMeter();
  const list = await pacedInFreshProcess(server.url, { paths: lists }, steady);
  const listServer = latencyFigures(times.take("/v1/cases"), rate);
  const listDiskStall = stall.since();
  log(
    `list at ${rate} req/s: ${JSON.stringify(list)}; server's own time ${JSON.stringify(listServer)}; disk stalls ${listDiskStall ?? "n/a"} %`,
  );
  stall = diskStallMeter();
  const read = await pacedInFreshProcess(server.url, { paths: caseUrls }, steady);
  const readServer = latencyFigures(times.take("/v1/cases/"), rate);
  const readDiskStall = stall.since();
  log(
    `read at ${rate} req/s: ${JSON.stringify(read)}; server's own time ${JSON.stringify(readServer)}; disk stalls ${readDiskStall ?? "n/a"} %`,
  );
  times.stop();
  const readBody = await (await fetch(`${server.url}${caseUrls[0]}`, { headers: authHeaders() })).text();
  const listBody = await (await fetch(`${server.url}${lists[1]}`, { headers: authHeaders() })).text();
  const listMax = figures(await rotateGets(server.url, lists, { duration: seconds }));
  log(`list, saturation: ${JSON.stringify(listMax)}`);
  const readMax = figures(await rotateGets(server.url, caseUrls, { duration: seconds }));
  log(`read, saturation: ${JSON.stringify(readMax)}`);
  await stopProcess(server.child);
  auth.token = "";
  // The floor of this machine and load generator: a bare Fastify route answering the same body,
  // at the same steady rate, with the same client — a case read's body, and a list page's (four
  // times larger: the client's share of a latency grows with the body).
  const floorOf = async (body: string, label: string) => {
    const bare = await startProcess("bench/servers/bare.ts", { BARE_BODY: body });
    const f = await pacedInFreshProcess(bare.url, { paths: ["/bare/x"] }, { rate, seconds });
    log(`bare route answering ${label} at ${rate} req/s (the floor): ${JSON.stringify(f)}`);
    await stopProcess(bare.child);
    return f;
  };
  const floor = await floorOf(readBody, `a case read's body (${Buffer.byteLength(readBody)} bytes)`);
  const listFloor = await floorOf(listBody, `a list page's body (${Buffer.byteLength(listBody)} bytes)`);
  const stolen = steal.since();
  log(`CPU time stolen by the hypervisor during the read runs: ${stolen ?? "n/a"} %`);
  return {
    list,
    read,
    listServer,
    readServer,
    floor,
    listFloor,
    listMax,
    readMax,
    lists,
    stolen,
    listDiskStall,
    readDiskStall,
  };
}

/** GETs over 10 connections, cycling through `paths`, for a duration or a number of requests. */
export function rotateGets(url: string, paths: string[], length: { duration: number } | { amount: number }) {
  let i = 0;
  return run({
    url,
    connections: 10,
    ...length,
    requests: [
      {
        method: "GET",
        headers: authHeaders(),
        setupRequest: (request) => ({ ...request, path: paths[i++ % paths.length]! }),
      },
    ],
  });
}
