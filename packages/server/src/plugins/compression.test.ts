/**
 * API answers are compressed over real HTTP for a client that accepts it; the answers that carry a
 * token or a person's identity never are, whatever their size.
 */
import { request } from "node:http";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../auth/directory.ts";
import { hashPassword } from "../auth/password.ts";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";
import { ADULT, IDENTIFICATION } from "../testing/fixtures.ts";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request over a real socket; the body as it travelled (not decoded). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = request(
      new URL(path, base),
      {
        method,
        headers: { ...headers, ...(payload !== undefined && { "content-type": "application/json" }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const LOGIN = "compression-login";
const PASSWORD = "a long enough secret";

async function serve(compressionThreshold?: number) {
  const fx = await buildProtected(compressionThreshold === undefined ? {} : { compressionThreshold });
  const passwordHash = await hashPassword(PASSWORD);
  await fx.app.store.transaction((tx) =>
    createUser(tx.directory, { agencyId: "ZZ:police", login: LOGIN, role: "caseworker", passwordHash }),
  );
  const url = await fx.app.listen({ port: 0, host: "127.0.0.1" });
  return { fx, url };
}

let usual: { fx: ProtectedApp; url: string };
/** Every answer of any size is compressed here unless its route is excluded. */
let eager: { fx: ProtectedApp; url: string };
beforeAll(async () => {
  usual = await serve();
  eager = await serve(0);
});
afterAll(async () => {
  await usual?.fx.close();
  await eager?.fx.close();
});

describe("API compression", () => {
  it("sends a pathway version as brotli or gzip to a client that accepts it, the same JSON", async () => {
    const { fx, url } = usual;
    const path = "/v1/pathways/ZZ/versions/1";
    const auth = await fx.headers("caseworker");
    const plain = await send(url, "GET", path, auth);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const json = JSON.parse(plain.body.toString("utf8"));
    expect(json.definition.country).toBe("ZZ");

    const br = await send(url, "GET", path, { ...auth, "accept-encoding": "gzip, deflate, br" });
    expect(br.status).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(br.body).toString("utf8"))).toEqual(json);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);

    const gzip = await send(url, "GET", path, { ...auth, "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(gzip.body).toString("utf8"))).toEqual(json);
  });

  it("leaves answers under the threshold as they are", async () => {
    const { fx, url } = usual;
    const me = await send(url, "GET", "/v1/cases?limit=1", {
      ...(await fx.headers("caseworker")),
      "accept-encoding": "br",
    });
    expect(me.status).toBe(200);
    expect(me.body.length).toBeLessThan(1024);
    expect(me.headers["content-encoding"]).toBeUndefined();
  });

  it("never compresses an answer with a token or a person's identity, even with no threshold", async () => {
    const { fx, url } = eager;
    const accept = { "accept-encoding": "br, gzip" };
    const auth = { ...(await fx.headers("caseworker")), ...accept };
    // The control: with no threshold a small answer of another route is compressed.
    const opened = await fx.openCase(ADULT);
    const view = await send(url, "GET", `/v1/cases/${opened.id}`, auth);
    expect(view.headers["content-encoding"]).toBe("br");

    const login = await send(url, "POST", "/v1/auth/login", accept, { login: LOGIN, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.headers["content-encoding"]).toBeUndefined();
    const token = JSON.parse(login.body.toString("utf8")).token as string;
    expect(token).toMatch(/^psr_/);

    const me = await send(url, "GET", "/v1/auth/me", { authorization: `Bearer ${token}`, ...accept });
    expect(me.status).toBe(200);
    expect(me.headers["content-encoding"]).toBeUndefined();

    const person = await send(url, "GET", `/v1/cases/${opened.id}/person?purpose=caseWork`, auth);
    expect(person.status).toBe(200);
    expect(person.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(person.body.toString("utf8")).person.givenName).toBe(ADULT.givenName);

    const userId = fx.users.police.caseworker.id;
    const issued = await send(
      url,
      "POST",
      `/v1/admin/users/${encodeURIComponent(userId)}/tokens`,
      { ...(await fx.headers("admin")), ...accept },
      { days: 1 },
    );
    expect(issued.status).toBe(201);
    expect(issued.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(issued.body.toString("utf8")).token).toMatch(/^psr_/);
  });

  it("does not decompress request bodies: the body limit counts the bytes parsed", async () => {
    const { fx, url } = usual;
    const body = { country: "ZZ", person: ADULT, identification: IDENTIFICATION };
    const res = await send(
      url,
      "POST",
      "/v1/cases",
      { ...(await fx.headers("caseworker")), "content-encoding": "gzip" },
      gzipSync(JSON.stringify(body)),
    );
    expect(res.status).toBe(400);
    const plain = await send(url, "POST", "/v1/cases", await fx.headers("caseworker"), body);
    expect(plain.status).toBe(201);
  });
});
