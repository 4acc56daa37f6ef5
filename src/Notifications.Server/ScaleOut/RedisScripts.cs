namespace Notifications.Server.ScaleOut;

/// <summary>The Lua scripts that make multi-key changes atomic in Redis.</summary>
internal static class RedisScripts
{
    /// <summary>
    /// Publish: the next id (from Redis's clock, so all nodes share one order, and above the last id
    /// of every stream it is added to), the body, an entry in
    /// the publish log and in every audience stream (trimmed by count and age) and the idempotency
    /// key, all or nothing; then a signal on the log channel, so every node tails the log at once.
    /// Each stream's horizon key keeps the greatest id trimmed from it (Redis's own
    /// max-deleted-entry-id does not count trimming).
    /// KEYS: last-id, idempotency key, epoch, log, streams…, horizons…
    /// ARGV: draft JSON, body key prefix, max count, retention ms, idempotency ms (0 = none),
    /// max length of the publish log, log signal channel.
    /// Returns {1, id} when stored, {0, id, body} when the idempotency key was already used.
    /// </summary>
    public const string Publish = """
        local function greater(a, b)
          local da, db = string.find(a, '-', 1, true), string.find(b, '-', 1, true)
          local ma, mb = tonumber(string.sub(a, 1, da - 1)), tonumber(string.sub(b, 1, db - 1))
          if ma ~= mb then
            return ma > mb
          end
          return tonumber(string.sub(a, da + 1)) > tonumber(string.sub(b, db + 1))
        end
        local function raise(key, id, ttl)
          local current = redis.call('GET', key)
          if not current or greater(id, current) then
            redis.call('SET', key, id, 'PX', ttl)
          end
        end
        -- A script is not rolled back when a command fails half-way: check first, so that nothing fails after the first write.
        local streams = (#KEYS - 4) / 2
        local existing = {}
        for i = 1, #KEYS do
          local expected = 'string'
          if i == 4 or (i > 4 and i <= 4 + streams) then
            expected = 'stream'
          end
          local kind = redis.call('TYPE', KEYS[i]).ok
          if kind ~= 'none' and kind ~= expected then
            return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is a ' .. kind .. ', not a ' .. expected)
          end
          if kind == 'stream' then
            existing[#existing + 1] = KEYS[i]
          end
        end
        if ARGV[5] ~= '0' then
          local seen = redis.call('GET', KEYS[2])
          if seen then
            -- A write even on a replay: a WAIT that follows counts replicas from this client's last
            -- write, which must not be an older one (the retry of a publish no replica confirmed).
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            return {0, seen, redis.call('GET', ARGV[2] .. seen) or ''}
          end
        end
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        -- The id follows Redis's clock, the last id issued, and every stream it goes into: XADD
        -- refuses an id at or below a stream's last one, and that must not happen after the first write.
        local ms, seq = now, 0
        local function above(floor)
          local dash = string.find(floor, '-', 1, true)
          local floorMs, floorSeq = tonumber(string.sub(floor, 1, dash - 1)), tonumber(string.sub(floor, dash + 1))
          if floorMs > ms or (floorMs == ms and floorSeq >= seq) then
            ms, seq = floorMs, floorSeq + 1
          end
        end
        local last = redis.call('GET', KEYS[1])
        if last then
          above(last)
        end
        for _, stream in ipairs(existing) do
          local info = redis.call('XINFO', 'STREAM', stream)
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then
              above(info[i + 1])
            end
          end
        end
        local id = string.format('%.0f-%.0f', ms, seq)
        if redis.call('EXISTS', KEYS[3]) == 0 then
          redis.call('SET', KEYS[3], string.format('%.0f-0', now))
        end
        redis.call('SET', KEYS[1], id)
        redis.call('SET', ARGV[2] .. id, ARGV[1], 'PX', ARGV[4])
        local minId = string.format('%.0f', now - tonumber(ARGV[4]))
        local maxLen = tonumber(ARGV[3])
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], id, 'n', '')
        redis.call('XTRIM', KEYS[4], 'MINID', minId)
        for i = 1, streams do
          local stream, horizon = KEYS[4 + i], KEYS[4 + streams + i]
          local drop = redis.call('XLEN', stream) + 1 - maxLen
          if drop > 0 then
            local dropped = redis.call('XRANGE', stream, '-', '+', 'COUNT', drop)
            raise(horizon, dropped[#dropped][1], ARGV[4])
          end
          local old = redis.call('XREVRANGE', stream, '(' .. minId .. '-0', '-', 'COUNT', 1)
          if #old > 0 then
            raise(horizon, old[1][1], ARGV[4])
          end
          redis.call('XADD', stream, 'MAXLEN', maxLen, id, 'n', '')
          redis.call('XTRIM', stream, 'MINID', minId)
          redis.call('PEXPIRE', stream, ARGV[4])
          if redis.call('EXISTS', horizon) == 1 then
            redis.call('PEXPIRE', horizon, ARGV[4])
          end
        end
        if ARGV[5] ~= '0' then
          redis.call('SET', KEYS[2], id, 'PX', ARGV[5])
        end
        redis.call('PUBLISH', ARGV[7], id)
        return {1, id}
        """;

    /// <summary>
    /// Acknowledge a retained notification once per sub; the acknowledgements live as long as the body.
    /// KEYS: body, acknowledgements. ARGV: sub, acknowledgement JSON. Returns -1 unknown, 0 already, 1 recorded.
    /// </summary>
    public const string Acknowledge = """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl == -2 then
          return -1
        end
        local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
        if ttl > 0 then
          redis.call('PEXPIRE', KEYS[2], ttl)
        end
        return added
        """;
}
