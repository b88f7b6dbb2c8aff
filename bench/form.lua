-- wrk script: each thread is one visitor with one connection (run with -tN -cN).
-- It GETs /kontakt/, takes the CSRF cookie and the form's tokens, and POSTs the form.
-- It stops posting a second before the end, so no POST is cut off in flight and the
-- count of 303 answers can be compared exactly with the enquiries stored.
-- A page without the form's tokens is counted as unreadable (and fetched again), and the
-- bench fails on any: a form whose markup changed must not pass as a quiet zero.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

function init(args)
  stop_posting_at = os.time() + tonumber(args[1]) - 1
  address = string.format("198.18.%d.%d", id % 250, 1 + (id * 7) % 250)
  state, cookie, form = "get", "", nil
  redirects, others, unreadable = 0, 0, 0
end

local function headers()
  return { ["Cookie"] = cookie, ["X-Forwarded-For"] = address }
end

function request()
  if state == "post" then
    local h = headers()
    h["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", "/kontakt/", h, form)
  end
  if os.time() >= stop_posting_at then
    state = "idle"
    return wrk.format("GET", "/kontakt/takk/", headers())
  end
  return wrk.format("GET", "/kontakt/", headers())
end

function response(status, hdrs, body)
  local set_cookie = hdrs["Set-Cookie"]
  if set_cookie then cookie = set_cookie:match("^([^;]+)") end
  if state == "get" then
    local csrf = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    local token = body:match('name="token" value="([^"]+)"')
    if csrf and token then
      form = "csrfmiddlewaretoken=" .. csrf .. "&token=" .. token
        .. "&name=Kari+Nordmann&email=kari%40example.no&phone=91234567"
        .. "&message=Ring+meg+gjerne.&consent_enquiry=on"
      state = "post"
    else
      unreadable = unreadable + 1
    end
  elseif state == "post" then
    if status == 303 or status == 302 then redirects = redirects + 1 else others = others + 1 end
    state = "get"
  end
end

function done(summary, latency, requests)
  local r, o, u = 0, 0, 0
  for _, thread in ipairs(threads) do
    r = r + thread:get("redirects")
    o = o + thread:get("others")
    u = u + thread:get("unreadable")
  end
  io.write(string.format("RESULT redirects=%d others=%d unreadable=%d\n", r, o, u))
end
