-- wrk: the owner creates partners, each name unique per run and thread.
-- TOKEN: the owner's API token.
local k = 0
function setup(thread)
  k = k + 1
  thread:set("tid", k)
end
local n = 0
local run = os.time()
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/partners", nil,
    string.format('{"legal_name":"Bench %d-%d-%d AB","country":"SE"}', run, tid or 0, n))
end
