-- Headless Neovim (0.7+) as an LSP client of `kernel-mm-lens lsp --stdio`: opens a file of the fixture tree,
-- asks hover and definition, waits for diagnostics, writes what it got as JSON lines to $KML_OUT, then quits.
-- Driven by test/e2e/nvim.mjs; positions come from the environment so this file knows nothing of the fixture.
local env = function(name) return os.getenv(name) or error('missing $' .. name) end
local root, server, file, out = env('KML_ROOT'), env('KML_SERVER'), env('KML_FILE'), env('KML_OUT')
local hover_line, hover_col = tonumber(env('KML_HOVER_LINE')), tonumber(env('KML_HOVER_COL'))
local wait_ms = tonumber(os.getenv('KML_WAIT_MS') or '30000')

local lines = {}
local function emit(kind, value)
  table.insert(lines, vim.fn.json_encode({ kind = kind, value = value }))
end
local function flush_and_quit()
  vim.fn.writefile(lines, out)
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'c'
  emit('nvim', tostring(vim.version().major) .. '.' .. tostring(vim.version().minor))

  local initialized = false
  local settings = { kernelMmLens = { lintTargetVersion = os.getenv('KML_LINT_TARGET') or '' } }
  local config = {
    name = 'kernel-mm-lens',
    cmd = { 'node', server, 'lsp', '--stdio' },
    root_dir = root,
    settings = settings,
    init_options = { settings = settings.kernelMmLens },
    on_init = function() initialized = true end,
  }
  local client_id = vim.lsp.start_client(config)
  if not client_id then error('vim.lsp.start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)
  if not vim.wait(wait_ms, function() return initialized end, 50) then error('server did not initialize') end
  emit('initialized', true)

  local uri = vim.uri_from_bufnr(bufnr)
  local params = { textDocument = { uri = uri }, position = { line = hover_line, character = hover_col } }
  local function ask(method, accept)
    local deadline = vim.loop.now() + wait_ms
    local last
    repeat
      local responses = vim.lsp.buf_request_sync(bufnr, method, params, 5000) or {}
      for _, response in pairs(responses) do
        if response.error then last = { error = response.error.message }
        elseif response.result ~= nil and response.result ~= vim.NIL then
          last = response.result
          if accept(response.result) then return response.result end
        end
      end
      vim.wait(500)
    until vim.loop.now() > deadline
    return last
  end

  local hover = ask('textDocument/hover', function(r)
    local c = r.contents
    return c ~= nil and ((type(c) == 'table' and (c.value or c[1])) or type(c) == 'string')
  end)
  emit('hover', hover)
  local definition = ask('textDocument/definition', function(r) return type(r) == 'table' and next(r) ~= nil end)
  emit('definition', definition)

  local diagnostics = {}
  vim.wait(wait_ms, function()
    diagnostics = vim.diagnostic.get(bufnr)
    return #diagnostics > 0
  end, 200)
  local plain = {}
  for _, d in ipairs(diagnostics) do
    table.insert(plain, { lnum = d.lnum, col = d.col, severity = d.severity, message = d.message, source = d.source, code = d.code })
  end
  emit('diagnostics', plain)

  -- Scope- and type-aware navigation (issue 18): a local's definition, then completion and signature help on
  -- lines typed into the buffer (sent to the server as incremental changes, as when a user types).
  local sem_file = os.getenv('KML_SEM_FILE')
  if sem_file then
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. sem_file))
    local sem = vim.api.nvim_get_current_buf()
    vim.bo[sem].filetype = 'c'
    vim.lsp.buf_attach_client(sem, client_id)
    local function ask_at(method, line, col, accept)
      local deadline = vim.loop.now() + wait_ms
      local last
      repeat
        local p = { textDocument = { uri = vim.uri_from_bufnr(sem) }, position = { line = line, character = col } }
        for _, response in pairs(vim.lsp.buf_request_sync(sem, method, p, 5000) or {}) do
          if response.result ~= nil and response.result ~= vim.NIL then
            last = response.result
            if accept(response.result) then return response.result end
          end
        end
        vim.wait(300)
      until vim.loop.now() > deadline
      return last
    end
    local non_empty = function(r) return type(r) == 'table' and next(r) ~= nil end
    emit('local_definition', ask_at('textDocument/definition', tonumber(env('KML_LOCAL_LINE')), tonumber(env('KML_LOCAL_COL')), non_empty))
    local after = tonumber(env('KML_INSERT_AFTER'))
    vim.api.nvim_buf_set_lines(sem, after + 1, after + 1, false, { '\tfw.' })
    emit('member_completion', ask_at('textDocument/completion', after + 1, 4, function(r)
      local items = r.items or r
      return type(items) == 'table' and #items > 0
    end))
    local call = '\tfolio_walk_start(&fw, vma, '
    vim.api.nvim_buf_set_lines(sem, after + 1, after + 2, false, { call })
    emit('signature_help', ask_at('textDocument/signatureHelp', after + 1, #call, function(r)
      return type(r.signatures) == 'table' and #r.signatures > 0
    end))
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then emit('error', tostring(err)) end
flush_and_quit()
