// An independent MCP client for the musement-mcp tests: the official TypeScript SDK,
// v1 (`@modelcontextprotocol/sdk`, the 2025-11-25 handshake era) or v2
// (`@modelcontextprotocol/client`, either era), over stdio or Streamable HTTP.
//
//   node sdk_client.mjs --sdk v1|v2 [--era handshake|2026-07-28] --carts '<json>'
//       --url http://.../mcp
//   node sdk_client.mjs --sdk v1|v2 [--era handshake|2026-07-28] --carts '<json>'
//       -- <server command...>
//
// It lists the five tools, calls the two customer tools, get_customer_schema and
// update_cart_customer (successes, wrong-typed arguments and every
// error path it can reach), checks each structured result against the tool's advertised
// outputSchema with ajv (Draft 2020-12, with formats), and prints one JSON report on
// stdout. The pytest side (tests/e2e/test_node_clients.py) makes the assertions.
// `--carts` is {"base", "extra", "locked", "fresh", "missing"}: cart UUIDs.

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import { HANDSHAKE_ERA, versionNegotiation } from "./eras.mjs";

function parseArgs(argv) {
  const opts = { sdk: "v1", era: HANDSHAKE_ERA, url: null, command: null, carts: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      opts.command = argv.slice(i + 1);
      break;
    }
    const value = argv[++i];
    if (arg === "--sdk") opts.sdk = value;
    else if (arg === "--era") opts.era = value;
    else if (arg === "--url") opts.url = value;
    else if (arg === "--carts") opts.carts = JSON.parse(value);
    else throw new Error(`unknown option ${arg}`);
  }
  if (!opts.carts || (!opts.url && !opts.command)) {
    throw new Error("need --carts and either --url or -- <command>");
  }
  if (opts.sdk === "v1" && opts.era !== HANDSHAKE_ERA) {
    throw new Error("the v1 SDK speaks only the handshake era");
  }
  return opts;
}

async function connect(opts) {
  const clientInfo = { name: `musement-mcp-tests-${opts.sdk}`, version: "1.0.0" };
  if (opts.sdk === "v1") {
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const client = new Client(clientInfo, { capabilities: {} });
    let transport;
    if (opts.url) {
      const { StreamableHTTPClientTransport } = await import(
        "@modelcontextprotocol/sdk/client/streamableHttp.js"
      );
      transport = new StreamableHTTPClientTransport(new URL(opts.url));
    } else {
      const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
      const [command, ...args] = opts.command;
      transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
    }
    // v1 has no getter for the negotiated version; it hands it to the transport.
    let negotiated = null;
    const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
    transport.setProtocolVersion = (version) => {
      negotiated = version;
      setProtocolVersion?.(version);
    };
    await client.connect(transport);
    return { client, protocolVersion: negotiated };
  }
  const sdk = await import("@modelcontextprotocol/client");
  const client = new sdk.Client(clientInfo, {
    capabilities: {},
    versionNegotiation: versionNegotiation(opts.era),
  });
  let transport;
  if (opts.url) {
    transport = new sdk.StreamableHTTPClientTransport(new URL(opts.url));
  } else {
    const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");
    const [command, ...args] = opts.command;
    transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
  }
  await client.connect(transport);
  return { client, protocolVersion: client.getNegotiatedProtocolVersion() ?? null };
}

function errorInfo(error) {
  return { name: error?.constructor?.name, code: error?.code, message: String(error?.message) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { carts } = opts;
  const { client, protocolVersion } = await connect(opts);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);

  const report = {
    sdk: opts.sdk,
    era: opts.era,
    protocolVersion,
    serverVersion: client.getServerVersion() ?? null,
    tools: [],
    calls: {},
  };
  const listed = await client.listTools();
  report.tools = listed.tools;
  const outputValidators = {};
  for (const tool of listed.tools) {
    report.schemaCompile = report.schemaCompile ?? {};
    try {
      ajv.compile(tool.inputSchema);
      outputValidators[tool.name] = tool.outputSchema ? ajv.compile(tool.outputSchema) : null;
      report.schemaCompile[tool.name] = "ok";
    } catch (error) {
      report.schemaCompile[tool.name] = String(error.message);
    }
  }

  async function call(label, name, args) {
    const entry = {};
    try {
      const result = await client.callTool({ name, arguments: args });
      entry.isError = result.isError === true;
      entry.content = result.content;
      entry.structuredContent = result.structuredContent ?? null;
      if (!entry.isError) {
        const validate = outputValidators[name];
        entry.outputSchemaValid = validate ? validate(result.structuredContent) : null;
        entry.outputSchemaErrors = validate?.errors ?? null;
      } else {
        const text = result.content?.[0]?.text;
        try {
          entry.error = JSON.parse(text).error;
        } catch {
          entry.error = null;
        }
      }
    } catch (error) {
      entry.thrown = errorInfo(error);
    }
    report.calls[label] = entry;
    return entry;
  }

  const grace = {
    firstname: "Grace",
    lastname: "Hopper",
    email: "grace@example.com",
    musement_newsletter: "NO",
    allow_profiling: "NO",
    thirdparty_newsletter: "NO",
    events_related_newsletter: "YES",
  };

  // Successes.
  await call("schema_base", "get_customer_schema", { cart_uuid: carts.base });
  await call("schema_extra", "get_customer_schema", { cart_uuid: carts.extra });
  const update = await call("update_ok", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: grace,
  });
  // What was sent against the cart's own schema (the resource serves it beside the field
  // guide), and the echo: what Musement shows back equals what was sent, and the fields it
  // documents as write-only (allow_profiling) are not shown.
  const form = await client.readResource({
    uri: `musement://carts/${carts.fresh}/customer-schema`,
  });
  const cartSchema = ajv.compile(JSON.parse(form.contents[0].text).schema);
  report.sentCustomerMatchesCartSchema = cartSchema(grace);
  const echoed = update.structuredContent?.customer ?? {};
  report.echoMatchesWhatWasSent = Object.entries(echoed)
    .filter(([k]) => k in grace)
    .every(([k, v]) => grace[k] === v);
  report.writeOnlyNotEchoed = !("allow_profiling" in echoed);
  await call("update_json_string", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: JSON.stringify(grace),
  });
  await call("update_partial", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: { firstname: "Amazing Grace" },
    partial: true,
  });

  // Wrong-typed arguments: nothing reaches Musement, the model gets an isError result.
  await call("schema_uuid_number", "get_customer_schema", { cart_uuid: 12345 });
  await call("schema_uuid_not_uuid", "get_customer_schema", { cart_uuid: "not-a-uuid" });
  await call("schema_missing_argument", "get_customer_schema", {});
  await call("schema_unknown_argument", "get_customer_schema", {
    cart_uuid: carts.base,
    cartUuid: carts.base,
  });
  await call("update_customer_number", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: 42,
  });
  await call("update_customer_array", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: [grace],
  });
  await call("update_partial_not_boolean", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: grace,
    partial: "sometimes",
  });
  await call("update_wrong_field_types", "update_cart_customer", {
    cart_uuid: carts.fresh,
    customer: { ...grace, email: 42, musement_newsletter: "MAYBE", first_name: "Grace" },
  });

  // Upstream error paths.
  await call("schema_cart_not_found", "get_customer_schema", { cart_uuid: carts.missing });
  await call("update_cart_not_found", "update_cart_customer", {
    cart_uuid: carts.missing,
    customer: grace,
  });
  // The locked cart also asks for extra data: `partial` lets the PUT reach Musement (423).
  await call("update_cart_locked", "update_cart_customer", {
    cart_uuid: carts.locked,
    customer: grace,
    partial: true,
  });

  // Not a tool: a protocol error, not a result.
  await call("unknown_tool", "book_everything", {});

  await client.close();
  process.stdout.write(JSON.stringify(report) + "\n");
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`sdk_client failed: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
