-- wrk script: POST a JSON body read from a file.
--
--   wrk -t1 -c32 -d5s -s benches/post.lua http://127.0.0.1:8000/orders/typed -- benches/order.json
--
-- Every request is `POST` with `content-type: application/json` and the file's bytes.

init = function(args)
  local file = assert(io.open(args[1] or "benches/order.json", "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
end
