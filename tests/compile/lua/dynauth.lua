local mod = {}
local name = "dyn" .. "auth"
function mod:init()
  msys.registerAuth(name, {})
  return true
end
msys.registerModule("dynauth", mod)
