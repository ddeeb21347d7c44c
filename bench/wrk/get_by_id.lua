-- get_by_id.lua — wrk script: GET <prefix><id> for ids read from a file, one id per
-- line, cycled in a per-thread shuffled order so every connection reads different
-- rows and no two threads walk the ids in step.
--
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/get_by_id.lua http://127.0.0.1:P \
--       -- IDS_FILE /vlm/v2/prompt/ 'Authorization: Token KEY' ...
--
-- Arguments after `--`: the ids file, the path prefix, then any number of
-- "Name: value" header lines. Every request string is formatted once in init(),
-- so request() only picks the next one: the client's cost per request stays the
-- same for every server it is pointed at.

local requests = {}
local n = 0
local i = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  local file, prefix = args[1], args[2]
  local headers = {}
  for k = 3, #args do
    local name, value = args[k]:match("^([^:]+):%s*(.*)$")
    if name then headers[name] = value end
  end
  local ids = {}
  for line in io.lines(file) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  math.randomseed(tonumber(seed) or 1)
  for k = #ids, 2, -1 do
    local j = math.random(k)
    ids[k], ids[j] = ids[j], ids[k]
  end
  for k, id in ipairs(ids) do
    requests[k] = wrk.format("GET", prefix .. id, headers)
  end
  n = #requests
end

function request()
  i = i % n + 1
  return requests[i]
end
