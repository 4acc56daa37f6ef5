namespace Notifications.Server.ScaleOut;

/// <summary>The Lua scripts that make multi-key changes atomic in Redis.</summary>
internal static class RedisScripts
{
    /// <summary>
    /// Redis's clock in milliseconds, put in front of every script that needs the time: all nodes then
    /// share one clock, and a script may read it because Redis replicates a script's effects, not the script.
    /// </summary>
    private const string Clock = """
        local function nowMs()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        """;

    /// <summary>
    /// Publish a batch, all or nothing: for each item the next id (from Redis's clock, so all nodes
    /// share one order, above the last id issued and the last id of every stream it is added to), the
    /// body, an entry in the publish log and in every audience stream (trimmed by count and age), its
    /// acknowledgement deadline, its <c>notification.published</c> webhook deliveries and its
    /// idempotency key; then one signal on the log channel, so every node tails the log at once.
    /// Each stream's horizon key keeps the greatest id trimmed from it (Redis's own
    /// max-deleted-entry-id does not count trimming).
    /// KEYS: last-id, epoch, log, deadlines, W webhook queues, then per item: its idempotency key,
    /// its streams, their horizons.
    /// ARGV: body key prefix, max count, retention ms, idempotency ms, max length of the publish log,
    /// log signal channel, W, item count, then per item: draft JSON, stream count, ms from creation
    /// to the deadline (0 = none), 1 when it has an idempotency key, the id whose deadline must still
    /// be scheduled ('' = none).
    /// Returns per item {1, id} when stored, {0, id, body} when its idempotency key was already used;
    /// {{-1, id}} and nothing stored when the deadline of id was settled.
    /// </summary>
    public const string Publish = Clock + """
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
        local queues = tonumber(ARGV[7])
        local items = {}
        local k, a = 5 + queues, 9
        for i = 1, tonumber(ARGV[8]) do
          local streams = tonumber(ARGV[a + 1])
          items[i] = { draft = ARGV[a], streams = streams, deadline = tonumber(ARGV[a + 2]), idem = ARGV[a + 3] == '1', guard = ARGV[a + 4], key = k }
          k = k + 1 + 2 * streams
          a = a + 5
        end
        -- A script is not rolled back when a command fails half-way: check first, so that nothing fails after the first write.
        local expected = { 'string', 'string', 'stream', 'zset' }
        for q = 1, queues do
          expected[4 + q] = 'zset'
        end
        for _, item in ipairs(items) do
          expected[item.key] = 'string'
          for s = 1, item.streams do
            expected[item.key + s] = 'stream'
            expected[item.key + item.streams + s] = 'string'
          end
        end
        for i = 1, #KEYS do
          local kind = redis.call('TYPE', KEYS[i]).ok
          if kind ~= 'none' and kind ~= expected[i] then
            return redis.error_reply('WRONGTYPE ' .. KEYS[i] .. ' is a ' .. kind .. ', not a ' .. expected[i])
          end
        end
        -- An item stored only while a deadline is scheduled (an escalation) is refused once a withdrawal
        -- settled it; checked before the first write, so that the batch stays all or nothing. A replay of
        -- its idempotency key is not a new write and is answered below as ever.
        for _, item in ipairs(items) do
          if item.guard ~= '' and not (item.idem and redis.call('EXISTS', KEYS[item.key]) == 1) and not redis.call('ZSCORE', KEYS[4], item.guard) then
            return {{-1, item.guard}}
          end
        end
        local now = nowMs()
        if redis.call('EXISTS', KEYS[2]) == 0 then
          redis.call('SET', KEYS[2], string.format('%.0f-0', now))
        end
        local minId = string.format('%.0f', now - tonumber(ARGV[3]))
        local maxLen = tonumber(ARGV[2])
        local results, lastStored = {}, nil
        for i, item in ipairs(items) do
          local idemKey = KEYS[item.key]
          local seen = item.idem and redis.call('GET', idemKey)
          if seen then
            -- A write even on a replay: a WAIT that follows counts replicas from this client's last
            -- write, which must not be an older one (the retry of a publish no replica confirmed).
            redis.call('PEXPIRE', idemKey, ARGV[4])
            results[i] = {0, seen, redis.call('GET', ARGV[1] .. seen) or ''}
          else
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
            for s = 1, item.streams do
              local stream = KEYS[item.key + s]
              if redis.call('EXISTS', stream) == 1 then
                local info = redis.call('XINFO', 'STREAM', stream)
                for j = 1, #info, 2 do
                  if info[j] == 'last-generated-id' then
                    above(info[j + 1])
                  end
                end
              end
            end
            local id = string.format('%.0f-%.0f', ms, seq)
            redis.call('SET', KEYS[1], id)
            -- A body with a deadline outlives it by an hour, so that it can be escalated even when the
            -- deadline is as long as the retention (the acknowledgements follow the body's expiry).
            local bodyTtl = tonumber(ARGV[3])
            if item.deadline > 0 then
              bodyTtl = math.max(bodyTtl, item.deadline + 3600000)
            end
            redis.call('SET', ARGV[1] .. id, item.draft, 'PX', string.format('%.0f', bodyTtl))
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], id, 'n', '')
            redis.call('XTRIM', KEYS[3], 'MINID', minId)
            for s = 1, item.streams do
              local stream, horizon = KEYS[item.key + s], KEYS[item.key + item.streams + s]
              local drop = redis.call('XLEN', stream) + 1 - maxLen
              if drop > 0 then
                local dropped = redis.call('XRANGE', stream, '-', '+', 'COUNT', drop)
                raise(horizon, dropped[#dropped][1], ARGV[3])
              end
              local old = redis.call('XREVRANGE', stream, '(' .. minId .. '-0', '-', 'COUNT', 1)
              if #old > 0 then
                raise(horizon, old[1][1], ARGV[3])
              end
              redis.call('XADD', stream, 'MAXLEN', maxLen, id, 'n', '')
              redis.call('XTRIM', stream, 'MINID', minId)
              redis.call('PEXPIRE', stream, ARGV[3])
              if redis.call('EXISTS', horizon) == 1 then
                redis.call('PEXPIRE', horizon, ARGV[3])
              end
            end
            if item.deadline > 0 then
              redis.call('ZADD', KEYS[4], string.format('%.0f', ms + item.deadline), id)
            end
            for q = 1, queues do
              redis.call('ZADD', KEYS[4 + q], string.format('%.0f', now), 'notification.published|' .. id)
            end
            if item.idem then
              redis.call('SET', idemKey, id, 'PX', ARGV[4])
            end
            results[i] = {1, id}
            lastStored = id
          end
        end
        if lastStored then
          redis.call('PUBLISH', ARGV[6], lastStored)
        end
        return results
        """;

    /// <summary>
    /// Acknowledge a retained notification once per sub, queueing its <c>notification.acknowledged</c>
    /// webhook deliveries; the acknowledgements live as long as the body.
    /// KEYS: body, acknowledgements, webhook queues…. ARGV: sub, acknowledgement JSON, webhook key.
    /// Returns -1 unknown, 0 already, 1 recorded.
    /// </summary>
    public const string Acknowledge = Clock + """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl == -2 then
          return -1
        end
        local added = redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2])
        if ttl > 0 then
          redis.call('PEXPIRE', KEYS[2], ttl)
        end
        if added == 1 and #KEYS > 2 then
          local now = string.format('%.0f', nowMs())
          for q = 3, #KEYS do
            redis.call('ZADD', KEYS[q], 'NX', now, ARGV[3])
          end
        end
        return added
        """;

    /// <summary>
    /// Withdraw a retained notification once: its withdrawal time (kept as long as its body), an entry
    /// in the withdrawals by time (trimmed to the retention), its deadline settled, its
    /// <c>notification.withdrawn</c> webhook deliveries queued.
    /// KEYS: body, withdrawn-at, withdrawals, deadlines, webhook queues…. ARGV: id, retention ms, webhook key.
    /// Returns {-1} unknown, {0, ms} already withdrawn at ms, {1, ms} withdrawn now.
    /// </summary>
    public const string Withdraw = Clock + """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl == -2 then
          return {-1}
        end
        local existing = redis.call('GET', KEYS[2])
        if existing then
          return {0, existing}
        end
        local now = nowMs()
        local at = string.format('%.0f', now)
        if ttl > 0 then
          redis.call('SET', KEYS[2], at, 'PX', ttl)
        else
          redis.call('SET', KEYS[2], at)
        end
        redis.call('ZADD', KEYS[3], at, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', string.format('(%.0f', now - tonumber(ARGV[2])))
        redis.call('ZREM', KEYS[4], ARGV[1])
        for q = 5, #KEYS do
          redis.call('ZADD', KEYS[q], 'NX', at, ARGV[3])
        end
        return {1, at}
        """;

    /// <summary>
    /// The deadlines passed by Redis's clock. KEYS: deadlines. ARGV: limit.
    /// Returns {now ms, {ids…}, next deadline ms or -1}.
    /// </summary>
    public const string DueDeadlines = Clock + """
        local now = nowMs()
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now), 'LIMIT', 0, tonumber(ARGV[1]))
        local next = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('(%.0f', now), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
        local nextAt = -1
        if #next > 0 then
          nextAt = tonumber(next[2])
        end
        return {string.format('%.0f', now), due, string.format('%.0f', nextAt)}
        """;

    /// <summary>
    /// Settle a deadline: remove it from the schedule and, with an escalation id, record the escalation
    /// once (the first record wins) and queue the <c>notification.overdue</c> webhook deliveries with it.
    /// KEYS: deadlines, escalation, body, webhook queues…. ARGV: id, escalation id ('' when nothing was overdue), webhook key.
    /// Returns 1 when this call settled it.
    /// </summary>
    public const string SettleDeadline = Clock + """
        local removed = redis.call('ZREM', KEYS[1], ARGV[1])
        if ARGV[2] ~= '' then
          -- An escalation that went out is recorded whoever removed the deadline (a node that found
          -- nothing pending a moment later, a withdrawal): the first record wins, and only it queues the webhook.
          local ttl = redis.call('PTTL', KEYS[3])
          if ttl <= 0 then
            ttl = 86400000
          end
          if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ttl) then
            return removed
          end
          local now = string.format('%.0f', nowMs())
          for q = 4, #KEYS do
            redis.call('ZADD', KEYS[q], 'NX', now, ARGV[3])
          end
        end
        return removed
        """;

    /// <summary>
    /// Take up to ARGV[1] due deliveries of one endpoint for a lease of ARGV[2] ms, counting the attempt.
    /// KEYS: queue, attempts. Returns {key, attempt, key, attempt, …}.
    /// </summary>
    public const string ClaimWebhooks = Clock + """
        local now = nowMs()
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now), 'LIMIT', 0, tonumber(ARGV[1]))
        local claimed = {}
        for _, key in ipairs(due) do
          redis.call('ZADD', KEYS[1], 'XX', string.format('%.0f', now + tonumber(ARGV[2])), key)
          claimed[#claimed + 1] = key
          claimed[#claimed + 1] = redis.call('HINCRBY', KEYS[2], key, 1)
        end
        return claimed
        """;

    /// <summary>Make a claimed delivery due again in ARGV[2] ms, by Redis's clock. KEYS: queue. ARGV: key, delay ms.</summary>
    public const string RetryWebhook = Clock + """
        local now = nowMs()
        return redis.call('ZADD', KEYS[1], 'XX', string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
        """;
}
