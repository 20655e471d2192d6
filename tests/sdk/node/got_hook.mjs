/*
 * A module-resolution hook (registered by flows_driver.mjs with node:module's `register`): the ES-module SDK's
 * `import got from "got"` resolves to logged_got.cjs, the wire log's wrapper around the real `got`
 * (common.cjs's installWireLog); logged_got.cjs's own import of the real `got` is left alone.
 */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "got" && !(context.parentURL || "").endsWith("/logged_got.cjs")) {
    return { url: new URL("./logged_got.cjs", import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
