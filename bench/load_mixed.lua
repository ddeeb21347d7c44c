-- load_mixed.lua — wrk script for bench/load_mixed.sh: a mixed read/write load over
-- every dialect the server serves, counting every unexpected answer.
--
--   wrk -t2 -c64 -d60s --timeout 10s -s bench/load_mixed.lua http://127.0.0.1:PORT -- CONFIG.lua
--
-- CONFIG.lua (written by load_mixed.sh) returns a list of requests:
--   { {method=, path=, headers={...}, body=, dialect=, write=bool}, ... }
-- A body may hold "{{uniq}}", replaced per request by "<thread>-<n>" so creates never
-- collide. Each connection walks the list from its own offset, so all requests run
-- at once in the same proportions.
--
-- Unexpected = an HTTP status outside 2xx, or a GraphQL error envelope
-- ("data":null,"errors") in a 200 (Labelbox answers its errors that way). done()
-- prints one line "RESULT {json}" with the totals, the status counts and the
-- latency percentiles (microseconds) that load_mixed.sh reads.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local reqs
local pos = 0
local n = 0
unexpected = 0
graphql_errors = 0
statuses = {}
samples = {}

function init(args)
  reqs = dofile(args[1])
  pos = (id or 1) * 7 % #reqs
end

function request()
  pos = pos % #reqs + 1
  n = n + 1
  local r = reqs[pos]
  local body = r.body
  if body and body:find("{{uniq}}", 1, true) then
    body = body:gsub("{{uniq}}", tostring(id) .. "-" .. tostring(n))
  end
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local bad = status < 200 or status > 299
  if not bad and body and body:find('"data":null,"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
    bad = true
  end
  if bad then
    unexpected = unexpected + 1
    if #samples < 5 then
      table.insert(samples, tostring(status) .. " " .. (body or ""):sub(1, 200))
    end
  end
end

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local total, gql, codes, examples = 0, 0, {}, {}
  for _, t in ipairs(threads) do
    total = total + t:get("unexpected")
    gql = gql + t:get("graphql_errors")
    for code, count in pairs(t:get("statuses")) do
      codes[code] = (codes[code] or 0) + count
    end
    for _, s in ipairs(t:get("samples")) do
      if #examples < 5 then table.insert(examples, s) end
    end
  end
  local parts = {}
  for code, count in pairs(codes) do
    table.insert(parts, string.format('"%d":%d', code, count))
  end
  local ex = {}
  for _, s in ipairs(examples) do table.insert(ex, json_string(s)) end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"unexpected":%d,"graphql_errors":%d,"statuses":{%s},' ..
    '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.0f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d},"examples":[%s]}\n',
    summary.requests, summary.duration, total, gql, table.concat(parts, ","),
    e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, table.concat(ex, ",")))
end
