// hello-node: an HTTP app for Roost (Mattermost's Apps Framework, as Roost serves it),
// in plain Node.js with no dependencies. It shows the whole round trip:
//   - a manifest (GET /manifest.json) that Roost installs from;
//   - bindings: a /hello slash command with sub-commands, a channel-header button and a
//     post-menu item, each opening or submitting a form;
//   - a form with a dynamic select whose options come from a lookup call;
//   - an event subscription (post_created and user_joined_channel in a channel);
//   - calls back into Roost's REST API with the bot token each call carries.
// Every call from Roost is checked against its JWT (HS256, APP_SECRET) before anything
// else happens.
//
//   APP_SECRET=... PORT=4000 node app.js      # then, as a system admin:
//   curl -H "Authorization: Bearer $TOKEN" -d '{"manifest_url":"http://localhost:4000/manifest.json","secret":"..."}' \
//        http://localhost:8065/api/v4/apps
"use strict";

const http = require("node:http");
const crypto = require("node:crypto");

const APP_ID = process.env.APP_ID || "hello-node";
const SECRET = process.env.APP_SECRET || "";
const HOST = process.env.HOST || "127.0.0.1";
const PUBLIC_HOST = process.env.PUBLIC_HOST || "localhost";
const MAX_BODY = 1024 * 1024;
const MOODS = [
  { label: "Cheerful", value: "cheerful" },
  { label: "Calm", value: "calm" },
  { label: "Curious", value: "curious" },
];

let rootUrl = "";
const heard = []; // events received, for GET /events (a demo's window into the app)

function manifest() {
  return {
    app_id: APP_ID,
    version: "1.0.0",
    display_name: "Hello (Node.js)",
    description: "Says hello, and answers posts in the channels it watches.",
    homepage_url: "https://example.com/hello-node",
    http: { root_url: rootUrl, use_jwt: true },
    requested_permissions: ["act_as_bot"],
    requested_locations: ["/command", "/channel_header", "/post_menu"],
    bindings: { path: "/bindings" },
    on_install: { path: "/installed" },
  };
}

const sendForm = {
  title: "Send a greeting",
  fields: [
    { name: "name", type: "text", label: "name", is_required: true, position: 1 },
    { name: "mood", type: "dynamic_select", label: "mood", lookup: { path: "/lookup" } },
  ],
  submit: { path: "/send", expand: { acting_user: "summary" } },
};

function bindings() {
  return [
    {
      location: "/command",
      bindings: [
        {
          label: "hello",
          description: "Say hello, or watch this channel",
          hint: "[send | watch]",
          bindings: [
            { location: "send", label: "send", description: "Send a greeting", form: sendForm },
            {
              location: "watch",
              label: "watch",
              description: "Answer every post in this channel",
              submit: { path: "/watch" },
            },
          ],
        },
      ],
    },
    {
      location: "/channel_header",
      bindings: [{ location: "send", label: "Say hello", form: sendForm }],
    },
    {
      location: "/post_menu",
      bindings: [{ location: "echo", label: "Echo", submit: { path: "/echo", expand: { post: "all" } } }],
    },
  ];
}

// JWT (HS256) as Roost signs it: header.claims.signature, base64url, with an expiry.
function verifyJwt(header) {
  const token = (header || "").replace(/^Bearer /, "");
  const parts = token.split(".");
  if (parts.length !== 3 || !SECRET) return null;
  const expected = crypto
    .createHmac("sha256", SECRET)
    .update(`${parts[0]}.${parts[1]}`)
    .digest("base64url");
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, Buffer.from(expected))) {
    return null;
  }
  const head = JSON.parse(Buffer.from(parts[0], "base64url").toString());
  const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString());
  if (head.alg !== "HS256" || !(claims.exp > Date.now() / 1000)) return null;
  return claims;
}

// Calls back into Roost's REST API as the app's bot.
async function roost(context, method, path, body) {
  const response = await fetch(`${context.mattermost_site_url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${context.bot_access_token}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const ok = (extra) => ({ type: "ok", ...extra });

const handlers = {
  "/installed": async () => ok(),

  "/bindings": async () => ok({ data: bindings() }),

  "/lookup": async (req) => {
    const query = (req.query || "").toLowerCase();
    return ok({ data: { items: MOODS.filter((m) => m.label.toLowerCase().startsWith(query)) } });
  },

  "/send": async (req) => {
    const name = (req.values && req.values.name) || "";
    if (!name) return { type: "error", text: "name is required" };
    const mood = req.values.mood ? ` (${req.values.mood.value})` : "";
    const who = req.context.acting_user ? req.context.acting_user.username : "someone";
    await roost(req.context, "POST", "/api/v4/posts", {
      channel_id: req.context.channel_id,
      root_id: req.context.root_post_id || "",
      message: `Hello, ${name}${mood}! -- ${who} via ${APP_ID}`,
    });
    return ok({ text: `Greeted ${name}.` });
  },

  "/watch": async (req) => {
    const site = "/plugins/com.mattermost.apps/api/v1/subscribe";
    const channel = req.context.channel_id;
    await roost(req.context, "POST", site, {
      subject: "post_created",
      channel_id: channel,
      call: { path: "/on-post", expand: { post: "all" } },
    });
    await roost(req.context, "POST", site, {
      subject: "user_joined_channel",
      channel_id: channel,
      call: { path: "/on-join", expand: { user: "summary" } },
    });
    return ok({ text: "Watching this channel." });
  },

  "/on-post": async (req) => {
    const post = req.context.post;
    heard.push({ subject: req.context.subject, post_id: post.id, at: Date.now() });
    await roost(req.context, "POST", "/api/v4/posts", {
      channel_id: post.channel_id,
      root_id: post.root_id || post.id,
      message: `Heard: ${post.message}`,
    });
    return ok();
  },

  "/on-join": async (req) => {
    heard.push({ subject: req.context.subject, user_id: req.context.user_id, at: Date.now() });
    const name = req.context.user ? req.context.user.username : req.context.user_id;
    await roost(req.context, "POST", "/api/v4/posts", {
      channel_id: req.context.channel_id,
      message: `Welcome, @${name}!`,
    });
    return ok();
  },

  "/echo": async (req) => ok({ text: `Echo: ${req.context.post.message}` }),
};

function reply(res, status, data) {
  const body = JSON.stringify(data);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = req.url.split("?")[0];
  if (req.method === "GET" && path === "/manifest.json") return reply(res, 200, manifest());
  if (req.method === "GET" && path === "/events") return reply(res, 200, heard);
  const handler = handlers[path];
  if (req.method !== "POST" || !handler) return reply(res, 404, { type: "error", text: "not found" });
  if (!verifyJwt(req.headers["mattermost-app-authorization"])) {
    return reply(res, 401, { type: "error", text: "bad or missing JWT" });
  }
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", async () => {
    try {
      const call = JSON.parse(Buffer.concat(chunks).toString() || "{}");
      reply(res, 200, await handler(call));
    } catch (err) {
      console.error(`${path}: ${err.message}`);
      reply(res, 200, { type: "error", text: String(err.message) });
    }
  });
});

server.listen(Number(process.env.PORT || 0), HOST, () => {
  const port = server.address().port;
  rootUrl = `http://${PUBLIC_HOST}:${port}`;
  console.log(`hello-node listening on ${rootUrl}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
