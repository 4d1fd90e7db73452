-- wrk: the demo agent logs calls on 50 of their accounts in turn.
-- ACCTS: the accounts' ids, comma-separated; TOKEN: the agent's API token.
local ids = {}
for id in string.gmatch(os.getenv("ACCTS"), "[^,]+") do ids[#ids + 1] = id end
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/sales/accounts/" .. ids[(n % #ids) + 1] .. "/activities", nil,
    string.format('{"kind":"call","direction":"out","outcome":"no_answer","duration_s":%d}', 5 + n % 50))
end
