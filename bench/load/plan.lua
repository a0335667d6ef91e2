-- wrk script: replays a plan (bench/load/__init__.py). Arguments after "--": plan file, Host,
-- number of wrk threads, mode ("once" or "cycle"), ramp seconds, window seconds.
-- Thread i of n takes lines i, i+n, i+2n..., so no two threads send the same line; "wrapped"
-- counts the times a thread started its lines over.
--
-- Answers are counted only inside the window [ramp, ramp + window] from the thread's start:
-- all connections start at once, so the first answers come late and the last requests are cut
-- off at the end; at a few dozen requests a second that would understate the rate by a large
-- share. The latency percentiles are wrk's own, over the whole run.

local ok, ffi = pcall(require, "ffi")  -- LuaJIT's (Debian's wrk): a monotonic clock in seconds
local now
if ok then
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock_id, bench_timespec *tp);
  ]]
  local ts = ffi.new("bench_timespec")
  now = function()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
  end
end

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)  -- setup() runs before the thread's init(), so init() sees it
  table.insert(threads, thread)
end

function init(args)
  local file, host, nthreads = args[1], args[2], tonumber(args[3])
  local ramp, window = tonumber(args[5]), tonumber(args[6])
  lines = {}
  local n, total = 0, 0
  for _ in io.lines(file) do total = total + 1 end
  local all = total < nthreads  -- too few lines to share out: every thread takes them all
  for line in io.lines(file) do
    if all or n % nthreads == id - 1 then
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
  windowed = now ~= nil
  if windowed then
    opens = now() + ramp
    closes = opens + window
  end
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
  if windowed then
    local t = now()
    if t < opens or t >= closes then return end
  end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local totals, wraps, counted, windowed_all = {}, 0, 0, true
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      totals[code] = (totals[code] or 0) + n
      counted = counted + n
    end
    wraps = wraps + thread:get("wrapped")
    windowed_all = windowed_all and thread:get("windowed")
  end
  local parts = {}
  for code, n in pairs(totals) do
    parts[#parts + 1] = string.format('"%s": %d', code, n)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "windowed": %s, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"socket_errors": %d, "wrapped": %d, "statuses": {%s}}\n',
    counted, tostring(windowed_all), summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, wraps, table.concat(parts, ", ")))
end
