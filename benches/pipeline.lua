-- wrk script: HTTP/1.1 pipelining. Every write carries DEPTH copies of the request
-- (default 16) and wrk then reads DEPTH responses before sending the next batch.
--
--   wrk -t1 -c64 -d10s --latency -s benches/pipeline.lua http://127.0.0.1:8000/plaintext -- 16
--
-- The request line/headers are wrk's defaults for the URL given on the command line.
-- Latency figures under pipelining are per batch, not per request.

local batch

init = function(args)
  local depth = tonumber(args[1]) or 16
  local reqs = {}
  for i = 1, depth do
    reqs[i] = wrk.format()
  end
  batch = table.concat(reqs)
end

request = function()
  return batch
end
