-- wrk: durable writes against `tandem serve --demo` (wrk-writes.sh).
-- KIND is call (the demo agent logs calls on 50 of their accounts in
-- turn: ACCTS, their ids comma-separated), value (the owner enters this
-- month's value of a manual metric again and again: ENG, METRIC, DAY a
-- day of the month) or partner (the owner creates partners, each name
-- unique per run and thread). TOKEN is the caller's API token.
local k = 0
function setup(thread)
  k = k + 1
  thread:set("tid", k)
end

local kind = os.getenv("KIND")
local ids = {}
for id in string.gmatch(os.getenv("ACCTS") or "", "[^,]+") do ids[#ids + 1] = id end
local n = 0
local run = os.time()
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  if kind == "call" then
    return wrk.format(nil, "/api/v1/sales/accounts/" .. ids[(n % #ids) + 1] .. "/activities", nil,
      string.format('{"kind":"call","direction":"out","outcome":"no_answer","duration_s":%d}', 5 + n % 50))
  elseif kind == "value" then
    return wrk.format(nil, "/api/v1/engagements/" .. os.getenv("ENG") .. "/values", nil,
      string.format('{"metric":"%s","period":"month","period_start":"%s","value":"4.%d"}',
        os.getenv("METRIC"), os.getenv("DAY"), 1 + n % 9))
  end
  return wrk.format(nil, "/api/v1/partners", nil,
    string.format('{"legal_name":"Bench %d-%d-%d AB","country":"SE"}', run, tid or 0, n))
end
