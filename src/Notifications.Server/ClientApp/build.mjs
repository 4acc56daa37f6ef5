// Bundles the JS client module with @microsoft/signalr into one ES module the pages import.
// Run by the server's build (see Notifications.Server.csproj); `npm run build` by hand works too.
import { build } from "esbuild";

await build({
  entryPoints: ["src/notifications.js"],
  outfile: "../wwwroot/lib/notifications.js",
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
