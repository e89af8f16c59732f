-- Scenario hook: user "boom" raises an error, which the daemon must turn
-- into a temporary failure (SMTP 454, HTTP 503); "ok" passes; every other
-- user fails.
local msys = require 'msys'
local mod = {}

function mod:ac_auth_perform_auth(username, password, ac, response)
  if username == 'boom' then
    error('scenario hook failure')
  end
  if username == 'ok' and password == 'ok' then
    return msys.core.EC_AUTH_OK
  end
  return msys.core.EC_AUTH_FAIL
end

msys.registerModule('scenario_hook', mod)
