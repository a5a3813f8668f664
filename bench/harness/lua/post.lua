-- POST one line of a tab-separated file per request: path, bearer token, JSON body.
-- Arguments: <file> <idempotency-key prefix or "-" for none>. Lines are used once each, in
-- order; running out wraps around (a repeat then answers 409, counted as an error).
local lines = {}
local next_line = 1
local prefix = nil
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, token, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    lines[#lines + 1] = {path, token, body}
  end
  if args[2] ~= nil and args[2] ~= "-" then prefix = args[2] end
end

function request()
  local entry = lines[next_line]
  next_line = next_line % #lines + 1
  counter = counter + 1
  local headers = {["Authorization"] = "Bearer " .. entry[2], ["Content-Type"] = "application/json"}
  if prefix ~= nil then headers["Idempotency-Key"] = prefix .. "-" .. counter end
  return wrk.format("POST", entry[1], headers, entry[3])
end
