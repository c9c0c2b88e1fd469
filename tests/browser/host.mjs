// A minimal MCP Apps host for the browser tests, on ext-apps' host side (AppBridge) and the
// TypeScript SDK client: it connects to the running server over Streamable HTTP (same origin,
// `/mcp`), declares the extension `io.modelcontextprotocol/ui`, lists the tools, reads the
// `ui://` resource a tool points at, and plays one tool call to it (tool-input, then
// tool-result). It gives the view only what the specification (2026-01-26) guarantees: a
// sandbox proxy on another origin (proxy.html, served by the tests at `proxy`: localhost while
// the host is at 127.0.0.1), framed with exactly sandbox="allow-scripts allow-same-origin";
// the proxy loads the view with the same two tokens (no allow-forms), as `srcdoc` or with
// document.write (`load`), under a CSP built from the resource's `_meta.ui.csp`.
// Tool calls from the page go through the bridge to the server; `ui/message` and
// `ui/update-model-context` are recorded in `window.hostLog` for the tests to read, and so are
// the page's own tool calls (`calls`: name and arguments) and the heights it reported (`sizes`).
//
// Query: ?era=handshake|2026-07-28&tool=get_cart&cart=<uuid>&theme=light|dark
//        &args=<JSON, more arguments>
//        &field=<JSON, a question added to get_customer_schema's fields for the page: a control
//        the sandbox never asks for>
//        &proxy=<the sandbox proxy's URL>&load=srcdoc|write
//        &serverTools=0 (the host does not relay the view's tool calls: no `serverTools`)

import {
  AppBridge,
  PostMessageTransport,
  getToolUiResourceUri,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

import { ERA_2026_07_28, versionNegotiation } from "../node/eras.mjs";

const query = new URLSearchParams(location.search);
const log = {
  ready: false, error: null, messages: [], context: [], calls: [], sizes: [], protocolVersion: null,
  tools: [],
};
window.hostLog = log;
const HOST = { name: "musement-mcp-test-host", version: "1.0.0" };
const MIME = "text/html;profile=mcp-app";

// A host's own design tokens (a few of the spec's CSS variables), per theme.
const THEMES = {
  light: {
    "--color-background-primary": "#ffffff",
    "--color-background-secondary": "#f3f4f6",
    "--color-text-primary": "#111827",
    "--color-text-secondary": "#4b5563",
    "--color-border-primary": "#9ca3af",
    "--color-text-danger": "#b91c1c",
    "--color-ring-primary": "#2563eb",
    "--font-sans": "DejaVu Sans, sans-serif",
  },
  dark: {
    "--color-background-primary": "#17181b",
    "--color-background-secondary": "#24262b",
    "--color-text-primary": "#f3f4f6",
    "--color-text-secondary": "#c0c4cc",
    "--color-border-primary": "#80868f",
    "--color-text-danger": "#fca5a5",
    "--color-ring-primary": "#93c5fd",
    "--font-sans": "DejaVu Sans, sans-serif",
  },
};

async function main() {
  const era = query.get("era") || ERA_2026_07_28;
  const theme = query.get("theme") || "light";
  const toolName = query.get("tool") || "get_cart";
  const cart = query.get("cart");
  document.body.classList.toggle("dark", theme === "dark");

  const client = new Client(HOST, {
    capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [MIME] } } },
    versionNegotiation: versionNegotiation(era),
  });
  await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", location.href)));
  log.protocolVersion = client.getNegotiatedProtocolVersion() ?? null;

  const { tools } = await client.listTools();
  log.tools = tools.map((tool) => ({ name: tool.name, uri: getToolUiResourceUri(tool) ?? null }));
  const tool = tools.find((candidate) => candidate.name === toolName);
  const uri = tool && getToolUiResourceUri(tool);
  if (!uri) throw new Error(`${toolName} has no UI resource`);
  const { contents } = await client.readResource({ uri });
  const content = contents[0];
  if (content.mimeType !== MIME) throw new Error(`unexpected MIME type ${content.mimeType}`);
  const sandbox = "allow-scripts allow-same-origin";
  const proxy = new URL(query.get("proxy"));
  proxy.searchParams.set("host", location.origin);
  proxy.searchParams.set("load", query.get("load") || "srcdoc");
  const iframe = document.createElement("iframe");
  iframe.id = "app";
  iframe.title = "Checkout form";
  iframe.setAttribute("sandbox", sandbox);
  iframe.style.height = "400px";
  document.body.append(iframe);

  const capabilities = { message: { text: {} }, updateModelContext: { text: {} }, logging: {} };
  if (query.get("serverTools") !== "0") capabilities.serverTools = {};
  const bridge = new AppBridge(
    client,
    HOST,
    capabilities,
    {
      hostContext: {
        theme,
        styles: { variables: THEMES[theme] },
        displayMode: "inline",
        availableDisplayModes: ["inline"],
        locale: "en-US",
        platform: "web",
      },
    },
  );
  bridge.onmessage = async (params) => {
    log.messages.push(params);
    return {};
  };
  bridge.onupdatemodelcontext = async (params) => {
    log.context.push(params);
    return {};
  };
  bridge.onsizechange = ({ height }) => {
    log.sizes.push(height);
    if (height) iframe.style.height = `${height}px`;
  };
  bridge.onsandboxready = () => {
    bridge.sendSandboxResourceReady({ html: content.text, sandbox, csp: content._meta?.ui?.csp ?? {} });
  };
  bridge.oninitialized = async () => {
    // What a host does when the model calls the tool: the arguments, then the result.
    const args = { cart_uuid: cart, ...JSON.parse(query.get("args") || "{}") };
    await bridge.sendToolInput({ arguments: args });
    const result = await client.callTool({ name: toolName, arguments: args });
    await bridge.sendToolResult(result);
    log.ready = true;
    document.getElementById("host-status").textContent = `connected (${log.protocolVersion})`;
  };
  // The frame's window outlives the navigation to the proxy: connect first, then load it.
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  // The page's tool calls, recorded; `connect` set the handler that forwards them.
  const forward = bridge.oncalltool;
  const added = query.get("field") && JSON.parse(query.get("field"));
  bridge.oncalltool = async (params, extra) => {
    log.calls.push({ name: params.name, arguments: params.arguments });
    if (!capabilities.serverTools) throw new Error("this host does not relay tool calls");
    const result = await forward(params, extra);
    if (added && params.name === "get_customer_schema" && result.structuredContent) {
      result.structuredContent.fields.push(added);
    }
    return result;
  };
  iframe.src = proxy.href;
}

main().catch((error) => {
  log.error = String(error && error.stack ? error.stack : error);
  document.getElementById("host-status").textContent = `failed: ${error}`;
});
