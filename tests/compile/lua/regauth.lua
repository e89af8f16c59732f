local mod = {}
local auth = {}
function auth:authenticate(filename, params, user, pass)
  return msys.core.EC_AUTH_OK
end
function mod:init()
  msys.registerAuth("myauth", auth)
  return true
end
msys.registerModule("regauth", mod)
