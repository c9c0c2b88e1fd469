// A minimal MCP Apps host for the browser tests, on ext-apps' host side (AppBridge) and the
// TypeScript SDK client: it connects to the running server over Streamable HTTP (same origin,
// `/mcp`), declares the extension `io.modelcontextprotocol/ui`, lists the tools, reads the
// `ui://` resource a tool points at, renders it in a sandboxed frame under a CSP built from
// the resource's `_meta.ui.csp`, and plays one tool call to it (tool-input, then tool-result).
// Tool calls from the page go through the bridge to the server; `ui/message` and
// `ui/update-model-context` are recorded in `window.hostLog` for the tests to read, and so are
// the page's own tool calls (`calls`: name and arguments).
//
// Query: ?era=legacy|modern&tool=get_cart&cart=<uuid>&theme=light|dark&args=<JSON, more arguments>
//        &field=<JSON, a question added to get_customer_schema's fields for the page: a control
//        the sandbox never asks for>

import {
  AppBridge,
  PostMessageTransport,
  getToolUiResourceUri,
} from "@modelcontextprotocol/ext-apps/app-bridge";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const query = new URLSearchParams(location.search);
const log = {
  ready: false, error: null, messages: [], context: [], calls: [], protocolVersion: null, tools: [],
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

function frameCsp(csp) {
  // What a host derives from `_meta.ui.csp`: only the declared origins, none by default.
  const connect = (csp.connectDomains || []).join(" ") || "'none'";
  const resources = (csp.resourceDomains || []).join(" ");
  return [
    "default-src 'none'",
    `script-src 'unsafe-inline' ${resources}`.trim(),
    `style-src 'unsafe-inline' ${resources}`.trim(),
    `img-src data: ${resources}`.trim(),
    `font-src ${resources || "'none'"}`,
    `connect-src ${connect}`,
  ].join("; ");
}

const escapeAttribute = (text) =>
  text.replace(/[&"<>]/g, (c) => ({ "&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;" })[c]);

async function main() {
  const era = query.get("era") || "modern";
  const theme = query.get("theme") || "light";
  const toolName = query.get("tool") || "get_cart";
  const cart = query.get("cart");
  document.body.classList.toggle("dark", theme === "dark");

  const versionNegotiation =
    era === "modern" ? { mode: { pin: "2026-07-28" } } : { mode: "legacy" };
  const client = new Client(HOST, {
    capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [MIME] } } },
    versionNegotiation,
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
  const policy = frameCsp(content._meta?.ui?.csp ?? {});
  log.csp = policy;
  // The host's policy in a meta element of its own, escaped for the attribute (the page's
  // text is left as it is: its own CSP allows its script by hash).
  const html = content.text.replace(
    "<head>",
    `<head><meta http-equiv="Content-Security-Policy" content="${escapeAttribute(policy)}">`,
  );

  const iframe = document.createElement("iframe");
  iframe.id = "app";
  iframe.title = "Checkout form";
  iframe.setAttribute("sandbox", "allow-scripts allow-forms");
  iframe.style.height = "400px";
  document.body.append(iframe);

  const bridge = new AppBridge(
    client,
    HOST,
    { serverTools: {}, message: { text: {} }, updateModelContext: { text: {} }, logging: {} },
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
    if (height) iframe.style.height = `${height}px`;
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
  // The frame's window outlives the navigation to srcdoc: connect first, then load.
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  // The page's tool calls, recorded; `connect` set the handler that forwards them.
  const forward = bridge.oncalltool;
  const added = query.get("field") && JSON.parse(query.get("field"));
  bridge.oncalltool = async (params, extra) => {
    log.calls.push({ name: params.name, arguments: params.arguments });
    const result = await forward(params, extra);
    if (added && params.name === "get_customer_schema" && result.structuredContent) {
      result.structuredContent.fields.push(added);
    }
    return result;
  };
  iframe.srcdoc = html;
}

main().catch((error) => {
  log.error = String(error && error.stack ? error.stack : error);
  document.getElementById("host-status").textContent = `failed: ${error}`;
});
