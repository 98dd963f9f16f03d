using System.Globalization;
using StackExchange.Redis;

namespace Events.Api.WaitingRoom;

/// <summary>A buyer's standing in a line: waiting (<see cref="Position"/> from 1), admitted with a pass, or not there.</summary>
public sealed record Standing(long? Position, long? Arrival, QueuePass? Pass);

/// <summary>What spending a pass came to.</summary>
public enum Spend
{
    Spent = 1,
    SpentByAnotherHold = -1,
    NotCurrent = -2,
    Expired = -3,
}

/// <summary>A line's figures for its organizer.</summary>
public sealed record LineFigures(long Waiting, long ActivePasses, long Admitted, long Used, long Expired, long Joined);

/// <summary>What joining did: <see cref="Added"/> false when the buyer already had a place (or a live pass) in the line.</summary>
public sealed record JoinOutcome(bool Added, bool Admitted, long Arrival);

/// <summary>
/// The waiting rooms in Redis (the AppHost's <c>cache</c>: every replica shares it, it outlives any service's restart, and it is
/// kept on disk by its append-only file). Per event, under one hash tag: the organizer's settings, the line (a sorted set of user
/// ids scored by arrival: a counter incremented as each buyer joins), the admitted buyers' live passes (user → admission number
/// and expiry), the admission numbers spent (number → the hold that spent it) and counters. Every change is one Lua script, so
/// joining, admitting, leaving and spending a pass are atomic among any number of replicas.
/// </summary>
public sealed class WaitingRoomStore(IConnectionMultiplexer redis)
{
    public const string ActiveRoomsKey = "rooms:active";
    public const string AdmitterLeaseKey = "rooms:admitter";

    private IDatabase Db => redis.GetDatabase();

    private static RedisKey Key(Guid eventId, string part) => $"room:{{{eventId:N}}}:{part}";

    private static RedisKey Settings(Guid e) => Key(e, "settings");
    private static RedisKey Line(Guid e) => Key(e, "line");
    private static RedisKey Admitted(Guid e) => Key(e, "admitted");
    private static RedisKey Passes(Guid e) => Key(e, "passes");
    private static RedisKey Spent(Guid e) => Key(e, "spent");
    private static RedisKey Meta(Guid e) => Key(e, "meta");

    public async Task<RoomSettings?> GetSettingsAsync(Guid eventId)
    {
        var fields = (await Db.HashGetAllAsync(Settings(eventId))).ToDictionary(f => f.Name.ToString(), f => f.Value.ToString());
        if (fields.Count == 0)
        {
            return null;
        }

        return new RoomSettings(
            fields.GetValueOrDefault("enabled") == "1",
            int.Parse(fields["rate"], CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(long.Parse(fields["lifeMs"], CultureInfo.InvariantCulture)),
            fields.GetValueOrDefault("opensAt") is { Length: > 0 } opens ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(opens, CultureInfo.InvariantCulture)) : null,
            Enum.Parse<EarlyArrivals>(fields.GetValueOrDefault("early") ?? nameof(EarlyArrivals.FirstCome)),
            fields.GetValueOrDefault("autoAbove") is { Length: > 0 } above ? int.Parse(above, CultureInfo.InvariantCulture) : null,
            fields.GetValueOrDefault("autoAt") is { Length: > 0 } at ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(at, CultureInfo.InvariantCulture)) : null);
    }

    /// <summary>Stores the settings and lists or unlists the room among those the admitter serves (one transaction).</summary>
    public async Task SaveSettingsAsync(Guid eventId, RoomSettings settings)
    {
        var transaction = Db.CreateTransaction();
        _ = transaction.HashSetAsync(Settings(eventId),
        [
            new("enabled", settings.Enabled ? "1" : "0"),
            new("rate", settings.AdmissionsPerMinute),
            new("lifeMs", (long)settings.PassLifetime.TotalMilliseconds),
            new("opensAt", settings.OpensAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? ""),
            new("early", settings.EarlyArrivals.ToString()),
            new("autoAbove", settings.AutoOnAbovePerMinute?.ToString(CultureInfo.InvariantCulture) ?? ""),
            new("autoAt", settings.SwitchedOnAutomaticallyAt?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? ""),
        ]);
        _ = settings.Enabled
            ? transaction.SetAddAsync(ActiveRoomsKey, eventId.ToString("N"))
            : transaction.SetRemoveAsync(ActiveRoomsKey, eventId.ToString("N"));
        await transaction.ExecuteAsync();
    }

    // Demand for an event whose room is off but may switch itself on: every replica adds the holds it saw (per second, the last
    // minute kept); when the minute's total passes the organizer's threshold, the room is switched on (with when) and listed
    // for the admitter, in the same step, so two replicas never both do it and a switch by the organizer meanwhile wins.
    private const string DemandScript = """
        local now = tonumber(ARGV[1])
        local second = math.floor(now / 1000)
        redis.call('HINCRBY', KEYS[1], second, ARGV[2])
        redis.call('PEXPIRE', KEYS[1], 120000)
        local total = 0
        local seen = redis.call('HGETALL', KEYS[1])
        for i = 1, #seen, 2 do
          if tonumber(seen[i]) <= second - 60 then redis.call('HDEL', KEYS[1], seen[i]) else total = total + tonumber(seen[i + 1]) end
        end
        local above = tonumber(redis.call('HGET', KEYS[2], 'autoAbove') or '')
        if above and total > above and redis.call('HGET', KEYS[2], 'enabled') == '0' then
          redis.call('HSET', KEYS[2], 'enabled', '1', 'autoAt', ARGV[1])
          redis.call('SADD', KEYS[3], ARGV[3])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// Adds <paramref name="holds"/> holds asked for to the event's last minute of demand; true when that switched its room on (its
    /// settings allow it and the minute's total passed their threshold).
    /// </summary>
    public async Task<bool> RecordDemandAsync(Guid eventId, int holds, DateTimeOffset now) =>
        (int)await Db.ScriptEvaluateAsync(DemandScript, [Key(eventId, "demand"), Settings(eventId), ActiveRoomsKey],
            [now.ToUnixTimeMilliseconds(), holds, eventId.ToString("N")]) == 1;

    public async Task<IReadOnlyList<Guid>> ActiveRoomsAsync() =>
        [.. (await Db.SetMembersAsync(ActiveRoomsKey)).Select(v => Guid.ParseExact(v.ToString(), "N"))];

    // One place per account: a buyer already waiting keeps their place, one holding a live pass keeps it. The arrival number is
    // the order of arrival at the room (one INCR per new place). Early arrivals of a Randomized room score a random number
    // below 1, so they stand, shuffled, ahead of everyone who joins after the opening (scores from 1 up).
    private const string JoinScript = """
        if redis.call('HGET', KEYS[5], 'enabled') ~= '1' then return {-1, 0} end
        local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if score then return {0, tonumber(redis.call('HGET', KEYS[6], ARGV[1]) or '0')} end
        if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 1 then return {2, 0} end
        local seq = redis.call('HINCRBY', KEYS[4], 'seq', 1)
        local opens = tonumber(redis.call('HGET', KEYS[5], 'opensAt') or '')
        local place = seq
        if opens and tonumber(ARGV[2]) < opens and redis.call('HGET', KEYS[5], 'early') == 'Randomized' then place = ARGV[3] end
        redis.call('ZADD', KEYS[1], place, ARGV[1])
        redis.call('HSET', KEYS[6], ARGV[1], seq)
        return {1, seq}
        """;

    /// <summary>Gives <paramref name="userId"/> a place at the end of the line (null: the room is off).</summary>
    public async Task<JoinOutcome?> JoinAsync(Guid eventId, Guid userId, DateTimeOffset now)
    {
        var random = Random.Shared.NextDouble().ToString("R", CultureInfo.InvariantCulture);
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(JoinScript,
            [Line(eventId), Admitted(eventId), Passes(eventId), Meta(eventId), Settings(eventId), Key(eventId, "arrivals")],
            [userId.ToString("N"), now.ToUnixTimeMilliseconds(), random]))!;
        var code = (int)result[0];
        return code switch
        {
            -1 => null,
            _ => new JoinOutcome(code == 1, code == 2, (long)result[1]),
        };
    }

    private const string LeaveScript = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('HDEL', KEYS[5], ARGV[1]) return 1 end
        if redis.call('HDEL', KEYS[3], ARGV[1]) == 1 then
          redis.call('ZREM', KEYS[2], ARGV[1])
          redis.call('HDEL', KEYS[5], ARGV[1])
          redis.call('HINCRBY', KEYS[4], 'forfeited', 1)
          return 2
        end
        return 0
        """;

    /// <summary>Takes the buyer out of the line, or gives up their unused pass (its slot goes to the next buyer). False: not there.</summary>
    public async Task<bool> LeaveAsync(Guid eventId, Guid userId) =>
        (int)await Db.ScriptEvaluateAsync(LeaveScript,
            [Line(eventId), Admitted(eventId), Passes(eventId), Meta(eventId), Key(eventId, "arrivals")], [userId.ToString("N")]) > 0;

    public async Task<Standing> GetStandingAsync(Guid eventId, Guid userId)
    {
        var member = userId.ToString("N");
        var batch = Db.CreateBatch();
        var rank = batch.SortedSetRankAsync(Line(eventId), member);
        var pass = batch.HashGetAsync(Passes(eventId), member);
        var arrival = batch.HashGetAsync(Key(eventId, "arrivals"), member);
        batch.Execute();
        await Task.WhenAll(rank, pass, arrival);
        if (await rank is { } r)
        {
            return new Standing(r + 1, (long?)await arrival, null);
        }

        return (await pass).ToString() is { Length: > 0 } value && value.Split(':') is [var number, var expiry]
            ? new Standing(null, (long?)await arrival, new QueuePass(eventId, userId, long.Parse(number, CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(expiry, CultureInfo.InvariantCulture))))
            : new Standing(null, null, null);
    }

    public async Task<LineFigures> GetFiguresAsync(Guid eventId)
    {
        var batch = Db.CreateBatch();
        var waiting = batch.SortedSetLengthAsync(Line(eventId));
        var active = batch.SortedSetLengthAsync(Admitted(eventId));
        var meta = batch.HashGetAllAsync(Meta(eventId));
        batch.Execute();
        await Task.WhenAll(waiting, active, meta);
        var counters = (await meta).ToDictionary(f => f.Name.ToString(),
            f => long.TryParse(f.Value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0);
        return new LineFigures(await waiting, await active, counters.GetValueOrDefault("admissions"), counters.GetValueOrDefault("used"),
            counters.GetValueOrDefault("expired"), counters.GetValueOrDefault("seq"));
    }

    // One admission tick: passes past their expiry are dropped (their slots free), then up to the rate's share of the time since
    // the last tick (at most one tick's worth: no burst after a pause) is taken from the head of the line, each buyer getting the
    // next admission number and a pass expiring lifeMs from now, as long as fewer than maxActive passes are out.
    private const string AdmitScript = """
        local now = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local life = tonumber(ARGV[3])
        local maxActive = tonumber(ARGV[4])
        local tick = tonumber(ARGV[5])
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
        for _, u in ipairs(expired) do redis.call('HDEL', KEYS[3], u) end
        if #expired > 0 then
          redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
          redis.call('HINCRBY', KEYS[4], 'expired', #expired)
        end
        local last = tonumber(redis.call('HGET', KEYS[4], 'last') or ARGV[1])
        local credit = tonumber(redis.call('HGET', KEYS[4], 'credit') or '0') + math.max(0, now - last) * rate / 60000
        local cap = math.max(1, rate * tick / 60000)
        if credit > cap then credit = cap end
        local n = math.floor(credit)
        local free = maxActive - redis.call('ZCARD', KEYS[2])
        if n > free then n = free end
        local taken = 0
        if n > 0 then
          local popped = redis.call('ZPOPMIN', KEYS[1], n)
          for i = 1, #popped, 2 do
            local u = popped[i]
            local number = redis.call('HINCRBY', KEYS[4], 'admissions', 1)
            local expiry = now + life
            redis.call('ZADD', KEYS[2], expiry, u)
            redis.call('HSET', KEYS[3], u, number .. ':' .. expiry)
            taken = taken + 1
          end
          credit = credit - taken
        end
        redis.call('HSET', KEYS[4], 'last', now, 'credit', tostring(credit))
        return taken
        """;

    /// <summary>One admission tick of <paramref name="eventId"/>'s line; the number of buyers admitted.</summary>
    public async Task<int> AdmitAsync(Guid eventId, RoomSettings settings, DateTimeOffset now, TimeSpan tick) =>
        (int)await Db.ScriptEvaluateAsync(AdmitScript,
            [Line(eventId), Admitted(eventId), Passes(eventId), Meta(eventId), Key(eventId, "arrivals")],
            [now.ToUnixTimeMilliseconds(), settings.AdmissionsPerMinute, (long)settings.PassLifetime.TotalMilliseconds, settings.MaxActivePasses,
                (long)tick.TotalMilliseconds]);

    // Spending a pass, exactly once: its number is recorded with the hold that spent it (the same hold again is the same spend:
    // a retried hold), and only the holder's current, live pass can be spent; spending frees its slot.
    private const string SpendScript = """
        local prior = redis.call('HGET', KEYS[3], ARGV[2])
        if prior then
          if prior == ARGV[3] then return 1 end
          return -1
        end
        if tonumber(ARGV[4]) <= tonumber(ARGV[5]) then return -3 end
        if redis.call('HGET', KEYS[2], ARGV[1]) ~= (ARGV[2] .. ':' .. ARGV[4]) then return -2 end
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HINCRBY', KEYS[4], 'used', 1)
        return 1
        """;

    /// <summary>
    /// Spends <paramref name="pass"/> for hold <paramref name="holdId"/>: <see cref="Spend.Spent"/> now or by this very hold before
    /// (a retried hold), else why not.
    /// </summary>
    public async Task<Spend> SpendPassAsync(QueuePass pass, Guid holdId, DateTimeOffset now) =>
        (Spend)(int)await Db.ScriptEvaluateAsync(SpendScript,
            [Admitted(pass.EventId), Passes(pass.EventId), Spent(pass.EventId), Meta(pass.EventId)],
            [pass.UserId.ToString("N"), pass.Number, holdId.ToString("N"), pass.ExpiresAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()]);

    // A hold refused after its pass was spent (sold out, not on sale…) gives the pass back while it lives, unless the buyer
    // already stands in the line again or holds another pass.
    private const string RestoreScript = """
        if redis.call('HGET', KEYS[3], ARGV[2]) ~= ARGV[3] then return 0 end
        redis.call('HDEL', KEYS[3], ARGV[2])
        redis.call('HINCRBY', KEYS[4], 'used', -1)
        if tonumber(ARGV[4]) > tonumber(ARGV[5]) and redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 and not redis.call('ZSCORE', KEYS[5], ARGV[1]) then
          redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
          redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ':' .. ARGV[4])
        end
        return 1
        """;

    public async Task RestorePassAsync(QueuePass pass, Guid holdId, DateTimeOffset now) =>
        await Db.ScriptEvaluateAsync(RestoreScript,
            [Admitted(pass.EventId), Passes(pass.EventId), Spent(pass.EventId), Meta(pass.EventId), Line(pass.EventId)],
            [pass.UserId.ToString("N"), pass.Number, holdId.ToString("N"), pass.ExpiresAt.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()]);

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    /// <summary>Takes or renews the admitter's lease for <paramref name="holder"/>; true while it holds it.</summary>
    public async Task<bool> HoldLeaseAsync(string holder, TimeSpan duration)
    {
        if ((int)await Db.ScriptEvaluateAsync(RenewScript, [AdmitterLeaseKey], [holder, (long)duration.TotalMilliseconds]) == 1)
        {
            return true;
        }

        return await Db.StringSetAsync(AdmitterLeaseKey, holder, duration, When.NotExists);
    }
}
