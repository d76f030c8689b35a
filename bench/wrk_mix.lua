-- wrk script: cycle through a request file (accept TAB path TAB unique), each thread from
-- its own offset.
--
-- Rows with unique = 1 are never repeated: in their path, ENTITYQ becomes the next entity
-- of the pool file (args[2]: percent-encoded IRI TAB path, one a line) as a percent-encoded
-- IRI, ENTITYP that entity's path, and UNIQUE a number no other request of the run gets
-- (args[3], the run's salt, keeps it apart from other runs). Thread n of T takes pool
-- entries n, n + T, n + 2T ...; past the end of the pool it starts again (counted in
-- "pool_wraps").
local rows = {}
local pool = {}
local counter = 0
local uniques = 0
wraps = 0 -- global: done() reads it from each thread
local salt = 1
local id = 0
local nthreads = 0
local threads = {}

function setup(thread)
  id = id + 1
  thread:set("id", id)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local accept, path, unique = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)")
    table.insert(rows, {accept, path, unique == "1"})
  end
  if args[2] then
    for line in io.lines(args[2]) do
      local q, p = line:match("^([^\t]*)\t([^\t]*)")
      -- "%" is special in a gsub replacement: escaped once here
      table.insert(pool, {q:gsub("%%", "%%%%"), (p:gsub("%%", "%%%%"))})
    end
  end
  salt = tonumber(args[3] or "1")
  nthreads = tonumber(args[4] or "1")
  counter = (id or 1) * 7919
end

function request()
  counter = counter + 1
  local row = rows[(counter % #rows) + 1]
  local path = row[2]
  if row[3] then
    local index = uniques * nthreads + (id - 1)
    uniques = uniques + 1
    if #pool > 0 then
      if index >= #pool and not row[2]:find("UNIQUE") then
        wraps = wraps + 1
      end
      local entity = pool[(index % #pool) + 1]
      path = path:gsub("ENTITYQ", entity[1]):gsub("ENTITYP", entity[2])
    end
    path = path:gsub("UNIQUE", string.format("%d%02d%07d", salt, id, uniques))
  end
  return wrk.format("GET", path, {["Accept"] = row[1]})
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + (thread:get("wraps") or 0)
  end
  -- requests counts every response; those with a status of 400 or more are failures
  local ok = summary.requests - summary.errors.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "errors": %d, "ok_rps": %.1f, ' ..
    '"p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "pool_wraps": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    errors, ok / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, wrapped))
end
