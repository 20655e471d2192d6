/*
 * What the official Node SDK drivers share (CommonJS, so that both the ES-module driver of
 * @zohocrm/nodejs-sdk-8.0 and the tsc-compiled driver of @zohocrm/typescript-sdk-8.0 load it):
 *
 * - the wire log: both SDKs send every request (the token refresh and the API calls) through the `got` package,
 *   which they import by name; `installWireLog` swaps the `got` in the require cache for a wrapper that logs each
 *   request and its answer before either SDK is imported; the ES-module SDK's `import got from "got"` is redirected
 *   to the same wrapper by a resolve hook (got_hook.mjs, logged_got.cjs);
 * - the SDK's values as plain JSON (`jsonable`), an SDK answer as JSON (`outcome`);
 * - the flows (`runFlows`), written against the SDK's namespace object, which is the same shape in both SDKs;
 * - `main`: argument parsing and the report, WORK_DIR/result.json.
 *
 * Arguments of every driver: CREDENTIALS_JSON WORK_DIR [ARGS_JSON].
 * Request and response bodies are logged as text: the test parses them (Python keeps 19-digit integers exact).
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const WIRE = [];

function formFields(body) {
  // form-data's FormData (the SDK's token request): its parts as name -> value
  const text = body.getBuffer().toString("utf8");
  const out = {};
  for (const match of text.matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)) out[match[1]] = match[2];
  return out;
}

function installWireLog(sdkPackageJson) {
  const sdkRequire = createRequire(sdkPackageJson);
  const gotPath = sdkRequire.resolve("got");
  const real = sdkRequire("got");
  function logged(url, options = {}) {
    const parts = new URL(url);
    const headers = options.headers || {};
    const header = (name) => {
      const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
      return key === undefined ? null : headers[key];
    };
    const entry = {
      method: options.method,
      url: url.toString(),
      host: parts.host,
      path: parts.pathname,
      query: Object.fromEntries(parts.searchParams),
      content_type: header("content-type"),
      authorization: header("authorization"),
    };
    const extra = options.searchParams; // the TypeScript SDK passes the query apart from the URL
    if (extra) {
      const pairs = extra instanceof URLSearchParams ? [...extra] : Object.entries(extra);
      for (const [k, v] of pairs) entry.query[k] = String(v);
    }
    const body = options.body;
    if (body && typeof body.getBuffer === "function") entry.form = formFields(body);
    else if (typeof body === "string" && body.length > 0) entry.body_text = body;
    else if (body) entry.body_kind = Object.prototype.toString.call(body);
    entry.proxied = Boolean(options.agent);
    WIRE.push(entry);
    const pending = real(url, options);
    pending.then(
      (response) => {
        entry.status = response.statusCode;
        entry.response_type = response.headers["content-type"] || null;
        entry.response_text = typeof response.body === "string" ? response.body : String(response.body);
      },
      (err) => {
        entry.error = String(err);
      },
    );
    return pending;
  }
  Object.assign(logged, real);
  logged.default = logged;
  logged.__esModule = true;
  require.cache[gotPath].exports = logged; // for the CommonJS SDK's require("got")
  globalThis.__zcrmLoggedGot = logged; // for the ES-module SDK's import (got_hook.mjs, logged_got.cjs)
}

function jsonable(Z, value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return { bigint: value.toString() };
  if (value instanceof Z.Choice) return { choice: jsonable(Z, value.getValue()) };
  if (value instanceof Date) return { date: value.toISOString() };
  if (value instanceof Map) {
    const out = {};
    for (const [k, v] of value) out[String(k)] = jsonable(Z, v);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => jsonable(Z, v));
  if (typeof value.getKeyValues === "function") return { record: jsonable(Z, value.getKeyValues()) };
  if (typeof value === "object" && value.constructor && value.constructor !== Object) {
    const out = {};
    for (const name of ["Id", "Name", "Email"]) {
      if (typeof value[`get${name}`] === "function") out[name.toLowerCase()] = jsonable(Z, value[`get${name}`]());
    }
    return { [value.constructor.name]: out };
  }
  if (typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonable(Z, v);
    return out;
  }
  return value;
}

function plain(Z, value) {
  return value instanceof Z.Choice ? value.getValue() : value;
}

function answer(Z, item) {
  const out = {
    kind: item.constructor.name,
    code: plain(Z, item.getCode()),
    status: plain(Z, item.getStatus()),
    message: plain(Z, item.getMessage()),
    details: jsonable(Z, item.getDetails()),
  };
  if (typeof item.getAction === "function") out.action = plain(Z, item.getAction());
  if (typeof item.getDuplicateField === "function") out.duplicate_field = item.getDuplicateField();
  return out;
}

function records(Z, items) {
  return (items || []).map((r) => ({
    class: r.constructor.name,
    id: jsonable(Z, r.getId()),
    values: jsonable(Z, r.getKeyValues()),
  }));
}

function info(Z, obj) {
  const got = obj.getInfo();
  if (got == null) return null;
  const out = { class: got.constructor.name };
  for (const name of ["Count", "MoreRecords", "Page", "PerPage"]) {
    if (typeof got[`get${name}`] === "function") out[name] = jsonable(Z, got[`get${name}`]());
  }
  return out;
}

/** An APIResponse as JSON: status code, the class of the object the SDK parsed and what it holds. */
function outcome(Z, response) {
  if (response == null) return { response: null };
  const out = { status_code: response.getStatusCode() };
  const obj = response.getObject();
  if (obj == null) return { ...out, object: null };
  out.object = obj.constructor.name;
  if (typeof obj.getCode === "function" && typeof obj.getData !== "function") {
    return { ...out, error: answer(Z, obj) }; // an APIException
  }
  const data = obj.getData();
  if (obj.constructor.name === "ActionWrapper") return { ...out, data: data.map((item) => answer(Z, item)) };
  const isRecords = Array.isArray(data) && data.length > 0 && typeof data[0].getKeyValues === "function";
  if (isRecords && typeof obj.getInfo === "function") {
    return { ...out, records: records(Z, data), info: info(Z, obj) };
  }
  return { ...out, data: jsonable(Z, data) };
}

function fieldsOutcome(Z, response) {
  const out = { status_code: response.getStatusCode() };
  const obj = response.getObject();
  out.object = obj == null ? null : obj.constructor.name;
  if (obj && typeof obj.getFields === "function") {
    out.fields = Object.fromEntries(
      obj.getFields().map((f) => [f.getAPIName(), plain(Z, f.getDataType())]),
    );
  } else if (obj) out.error = answer(Z, obj);
  return out;
}

/**
 * The flows, each step marked in the wire log: field metadata, insert (subform and multi-select lookup rows), get
 * one and list with `fields`, bulk and single update with `$append_values`, upsert, search, COQL, delete. Deal d2
 * outlives the flow, for the test to read back over plain HTTP.
 */
async function runFlows(Z, result, mark) {
  const R = Z.Record;
  const param = async (cls, values) => {
    const map = new Z.ParameterMap();
    for (const [name, value] of Object.entries(values)) await map.add(cls[name], value);
    return map;
  };
  const record = (values, id) => {
    const r = new R.Record();
    if (id !== undefined) r.setId(BigInt(id));
    for (const [name, value] of Object.entries(values)) r.addKeyValue(name, value);
    return r;
  };
  const body = (items, check) => {
    const b = new R.BodyWrapper();
    b.setData(items);
    if (check) b.setDuplicateCheckFields(check);
    return b;
  };
  const choices = (...values) => values.map((v) => new Z.Choice(v));
  const appended = (name) => new Map([[name, true]]); // a plain object would be sent as null
  const created = (step) => {
    const data = result[step].data || [];
    const ids = data.filter((d) => d.kind === "SuccessResponse").map((d) => String(d.details.id));
    if (ids.length !== data.length) throw new Error(`${step} failed: ${JSON.stringify(result[step])}`);
    return ids;
  };
  const dealFields = "Deal_Name,Stage,Amount,Foreign_Languages";

  mark("metadata");
  const fieldsParams = await param(Z.Fields.GetFieldsParam, { MODULE: "Deals" });
  result.metadata = fieldsOutcome(Z, await new Z.Fields.FieldsOperations().getFields(fieldsParams));

  const deals = new R.RecordOperations("Deals");
  const leads = new R.RecordOperations("Leads");
  mark("insert_listing");
  const listings = new R.RecordOperations("Listings");
  const listing = record({ Name: "Harbour View 12B", Bedrooms: 3 });
  result.insert_listing = outcome(Z, await listings.createRecords(body([listing])));
  const [listingId] = created("insert_listing");

  mark("insert");
  const tower = record({
    Deal_Name: "Harbour View Tower",
    Closing_Date: new Date(Date.UTC(2024, 5, 30)),
    Stage: new Z.Choice("Qualification"),
    Amount: 250000.75,
    Foreign_Languages: choices("French", "Korean"),
    Competitors: [record({ Competitor_Name: "Acme Realty", Rank: 2 })], // a subform row
    Listings: [record({ Interested_Listings: record({}, listingId) })], // a multi-select lookup row
  });
  const lofts = record({
    Deal_Name: "Quay Lofts",
    Stage: new Z.Choice("Qualification"),
    Closing_Date: new Date(Date.UTC(2024, 8, 1)),
    Foreign_Languages: choices("Spanish"),
  });
  result.insert = outcome(Z, await deals.createRecords(body([tower, lofts])));
  const [d1, d2] = created("insert");

  mark("get_one");
  const oneFields = { FIELDS: "Deal_Name,Foreign_Languages,Competitors,Listings" };
  result.get_one = outcome(Z, await deals.getRecord(BigInt(d1), await param(R.GetRecordParam, oneFields)));
  mark("list");
  const listed = { FIELDS: dealFields, SORT_BY: "id", SORT_ORDER: "asc" };
  result.list = outcome(Z, await deals.getRecords(await param(R.GetRecordsParam, listed)));

  mark("bulk_update");
  result.bulk_update = outcome(Z, await deals.updateRecords(body([
    record({ Foreign_Languages: choices("German"), $append_values: appended("Foreign_Languages") }, d1),
    record({ Amount: 5000.5, Stage: new Z.Choice("Needs Analysis") }, d2),
  ])));
  mark("single_update");
  const hindi = record({ Foreign_Languages: choices("Hindi"), $append_values: appended("Foreign_Languages") });
  result.single_update = outcome(Z, await deals.updateRecord(BigInt(d2), body([hindi])));
  mark("after_update");
  const both = { IDS: `${d1},${d2}`, FIELDS: dealFields, SORT_BY: "id", SORT_ORDER: "asc" };
  result.after_update = outcome(Z, await deals.getRecords(await param(R.GetRecordsParam, both)));

  mark("upsert_insert");
  const lead = (values) => body([record(values)], ["Email"]);
  result.upsert_insert = outcome(Z, await leads.upsertRecords(
    lead({ Last_Name: "Node", Company: "Zylker", Email: "node@sdk.test" }),
  ));
  mark("upsert_update");
  result.upsert_update = outcome(Z, await leads.upsertRecords(
    lead({ Last_Name: "Node", Company: "Updated by Node", Email: "NODE@sdk.test" }),
  ));
  mark("upsert_refused");
  const refused = body([record({ Email: "node@sdk.test" })], ["Company"]); // not a unique field
  result.upsert_refused = outcome(Z, await leads.upsertRecords(refused));
  const [leadId] = created("upsert_insert");

  mark("search");
  const criteria = (text) => param(R.SearchRecordsParam, { CRITERIA: text });
  result.search = outcome(Z, await leads.searchRecords(await criteria("(Company:equals:Updated by Node)")));
  mark("search_malformed");
  result.search_malformed = outcome(Z, await leads.searchRecords(await criteria("(Last_Name:equals:x")));

  mark("coql");
  const query = new Z.Coql.BodyWrapper();
  query.setSelectQuery(
    "select Deal_Name, Amount, Foreign_Languages from Deals where Amount is not null order by Deal_Name",
  );
  result.coql = outcome(Z, await new Z.Coql.CoqlOperations().getRecords(query));

  mark("delete");
  result.delete = outcome(Z, await deals.deleteRecords(await param(R.DeleteRecordsParam, { IDS: d1 })));
  mark("delete_one");
  result.delete_one = outcome(Z, await leads.deleteRecord(BigInt(leadId)));
  mark("get_deleted");
  result.get_deleted = outcome(Z, await deals.getRecord(BigInt(d1)));
  mark("end");
  result.ids = { deals: [d1, d2], listing: listingId, lead: leadId };
}

/** Parses the arguments, runs `scenario(creds, result, mark, work)` and writes WORK_DIR/result.json. */
async function main(scenario) {
  const [credsPath, workDir, argsJson] = process.argv.slice(2);
  const work = path.resolve(workDir);
  fs.mkdirSync(work, { recursive: true });
  const creds = JSON.parse(fs.readFileSync(credsPath, "utf8"));
  const result = { work, args: argsJson ? JSON.parse(argsJson) : {}, marks: {} };
  const mark = (step) => {
    result.marks[step] = WIRE.length;
  };
  try {
    await scenario(creds, result, mark, work);
    result.ok = true;
  } catch (err) {
    result.ok = false;
    result.traceback = err && err.stack ? err.stack : JSON.stringify(err, Object.getOwnPropertyNames(err || {}));
    if (err && typeof err.getCode === "function") {
      // an SDKException: its code, message and details say more than its stack
      const details = typeof err.getDetails === "function" ? JSON.stringify(err.getDetails()) : null;
      result.traceback += ` code=${err.getCode()} message=${err.getMessage()} details=${details}`;
    }
  }
  const tokens = path.join(work, "tokens.txt");
  result.token_store = fs.existsSync(tokens) ? fs.readFileSync(tokens, "utf8") : null;
  result.wire = WIRE;
  const text = JSON.stringify(result, (k, v) => (typeof v === "bigint" ? v.toString() : v), 1);
  fs.writeFileSync(path.join(work, "result.json"), text);
}

module.exports = { WIRE, installWireLog, jsonable, outcome, runFlows, main };
