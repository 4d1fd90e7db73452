-- wrk: the owner enters this month's value of a manual metric again and
-- again. ENG: the engagement; METRIC: the metric's key; DAY: a day of the
-- month (YYYY-MM-DD); TOKEN: the owner's API token.
local n = 0
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, "/api/v1/engagements/" .. os.getenv("ENG") .. "/values", nil,
    string.format('{"metric":"%s","period":"month","period_start":"%s","value":"4.%d"}',
      os.getenv("METRIC"), os.getenv("DAY"), 1 + n % 9))
end
