-- Scenario hook for a bounded shutdown: user "stuck" runs one
-- string.find whose pattern backtracks for hours, inside a single C call
-- that the instruction hook cannot interrupt. Others fail.
local msys = require 'msys'
local mod = {}

function mod:ac_auth_perform_auth(username, password, ac, response)
  if username == 'stuck' then
    local s = string.rep('a', 30) .. 'b'
    s:find(string.rep('a*', 20) .. 'c')
  end
  return msys.core.EC_AUTH_FAIL
end

msys.registerModule('stuck_hook', mod)
