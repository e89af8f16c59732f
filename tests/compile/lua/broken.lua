local mod = {}
function mod:init(
  return true
end
