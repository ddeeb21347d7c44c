-- post.lua — wrk script: POST the same JSON body to one path, over and over.
--
--   wrk -t2 -c64 -d10s --latency -s bench/wrk/post.lua http://127.0.0.1:P \
--       -- /vlm/v2/prompt BODY_FILE 'Authorization: Token KEY' ...
--
-- Arguments after `--`: the path, a file holding the request body, then any number
-- of "Name: value" header lines (Content-Type: application/json is always sent).
-- The request is static (no request() function), so wrk formats it once per thread
-- and the client's cost per request is the same for every server.

function init(args)
  local path, body_file = args[1], args[2]
  local f = assert(io.open(body_file, "rb"))
  local body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.path = path
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  for k = 3, #args do
    local name, value = args[k]:match("^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end
