-- An ac_auth hook for ecconf, with the behaviour of the example in
-- Momentum's ac_auth documentation: "Test User" with password "test2006"
-- passes, password "testx" fails with the reply "531 Get out of town", and
-- every other attempt fails with the listener's default reply.
--
-- Loaded by this stanza in ecelerity.conf (the script name must equal the
-- name passed to msys.registerModule below):
--
--   scriptlet "scriptlet" {
--     script "test_ac_auth" { source = "ac_auth" }
--   }
--   ac_auth {}
local msys = require 'msys'

local mod = {}

local GOOD_USER = 'Test User'
local GOOD_PASSWORD = 'test2006'
local REJECTED_PASSWORD = 'testx'

function mod:ac_auth_perform_auth(username, password, ac, response)
  if username == GOOD_USER and password == GOOD_PASSWORD then
    return msys.core.EC_AUTH_OK
  end

  if password == REJECTED_PASSWORD then
    local reply = '531 Get out of town'
    response:write(reply, #reply)
  end
  return msys.core.EC_AUTH_FAIL
end

-- Never log the password: only the user name, the peer and the reply.
function mod:ac_auth_log_auth_failure(username, ac, response)
  print('ac_auth failure', username, ac.remote_addr, tostring(response))
end

msys.registerModule('test_ac_auth', mod)
