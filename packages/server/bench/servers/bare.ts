/**
 * Baseline (a): a bare Fastify route answering a POST (the event benchmark) or a GET (the floor of
 * the steady-rate reads) with a fixed JSON body of the same size as Passerelle's answer.
 */
import Fastify from "fastify";

const body = process.env.BARE_BODY ?? "{}";
const app = Fastify({ logger: false });
app.post("/bare/:id/events", async (_request, reply) => reply.type("application/json").send(body));
app.get("/bare/:id", async (_request, reply) => reply.type("application/json").send(body));
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening on ${address}\n`);
