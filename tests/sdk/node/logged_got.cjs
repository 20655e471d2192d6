// `got` as the ES-module SDK imports it (got_hook.mjs): the wire log's wrapper, which common.cjs's installWireLog
// made and left on globalThis.
"use strict";
module.exports = globalThis.__zcrmLoggedGot;
