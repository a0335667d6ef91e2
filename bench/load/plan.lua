-- wrk script: replays a plan (bench/load/__init__.py). Arguments after "--": plan file, Host,
-- number of wrk threads, mode ("once" or "cycle"). Thread i of n takes lines i, i+n, i+2n...,
-- so no two threads send the same line; "wrapped" counts the times a thread started its lines over.

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)  -- setup() runs before the thread's init(), so init() sees it
  table.insert(threads, thread)
end

function init(args)
  local file, host, nthreads = args[1], args[2], tonumber(args[3])
  lines = {}
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == id - 1 then
      local method, path, cookie, csrf, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      local headers = { Host = host }
      if cookie ~= "" then headers["Cookie"] = cookie end
      if csrf ~= "" then headers["X-CSRFToken"] = csrf end
      if body == "" then
        body = nil
      else
        headers["Content-Type"] = "application/json"
      end
      lines[#lines + 1] = wrk.format(method, path, headers, body)
    end
    n = n + 1
  end
  position = 0
  wrapped = 0
  statuses = {}
end

function request()
  position = position + 1
  if position > #lines then
    position = 1
    wrapped = wrapped + 1
  end
  return lines[position]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals, wraps = {}, 0
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      totals[code] = (totals[code] or 0) + n
    end
    wraps = wraps + thread:get("wrapped")
  end
  local parts = {}
  for code, n in pairs(totals) do
    parts[#parts + 1] = string.format('"%s": %d', code, n)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "socket_errors": %d, "wrapped": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, wraps, table.concat(parts, ", ")))
end
