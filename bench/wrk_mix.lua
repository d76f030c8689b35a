-- wrk script: cycle through a request file (accept TAB path TAB unique), each thread from
-- its own offset; "NONCE" in a path becomes a per-request unique token.
local rows = {}
local counter = 0
local id = 0
local threads = {}

function setup(thread)
  id = id + 1
  thread:set("id", id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local accept, path = line:match("^([^\t]*)\t([^\t]*)")
    table.insert(rows, {accept, path})
  end
  counter = (id or 1) * 7919
end

function request()
  counter = counter + 1
  local row = rows[(counter % #rows) + 1]
  local path = row[2]:gsub("NONCE", "n" .. id .. "-" .. counter)
  return wrk.format("GET", path, {["Accept"] = row[1]})
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "errors": %d, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    errors, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
