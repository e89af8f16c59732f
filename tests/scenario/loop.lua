-- Scenario hook for the scriptlet limits: user "loop" never returns, user
-- "hog" allocates more than max_memory, "ok" with password "ok" passes.
local msys = require 'msys'
local mod = {}

function mod:ac_auth_perform_auth(username, password, ac, response)
  if username == 'loop' then
    local n = 0
    while true do
      n = n + 1
    end
  end
  if username == 'hog' then
    -- One call, so the instruction limit cannot stop it first.
    local s = string.rep('x', 8 * 1024 * 1024)
    return #s
  end
  if username == 'ok' and password == 'ok' then
    return msys.core.EC_AUTH_OK
  end
  return msys.core.EC_AUTH_FAIL
end

msys.registerModule('loop_hook', mod)
