using System.Text;
using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.Storage;

namespace Notifications.Server.Api;

/// <summary>Checks a publish request against the contract and names every bad field.</summary>
internal static class PublishRequestValidator
{
    public static Dictionary<string, string[]> Validate(PublishRequest request, string? idempotencyKey, DateTime now)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (request.Type is null)
        {
            Add("type", "type is required.");
        }
        else if (!Ids.IsValid(request.Type))
        {
            Add("type", $"type must match {Ids.Pattern}.");
        }

        if (string.IsNullOrWhiteSpace(request.Title))
        {
            Add("title", "title is required.");
        }
        else if (request.Title.Length > PublishLimits.MaxTitleLength)
        {
            Add("title", $"title must be at most {PublishLimits.MaxTitleLength} characters; it has {request.Title.Length}.");
        }

        if (request.Body is { Length: > PublishLimits.MaxBodyLength })
        {
            Add("body", $"body must be at most {PublishLimits.MaxBodyLength} characters; it has {request.Body.Length}.");
        }

        if (request.Severity is null)
        {
            Add("severity", $"severity is required: one of {string.Join(", ", Severity.All)}.");
        }
        else if (!Severity.IsKnown(request.Severity))
        {
            Add("severity", $"severity must be one of {string.Join(", ", Severity.All)}; '{Shorten(request.Severity)}' is not.");
        }

        if (request.Data is { } data && data.ValueKind is not JsonValueKind.Null)
        {
            if (data.ValueKind is not JsonValueKind.Object)
            {
                Add("data", "data must be a JSON object.");
            }
            else if (Encoding.UTF8.GetByteCount(data.GetRawText()) is var size && size > PublishLimits.MaxDataBytes)
            {
                Add("data", $"data must be at most {PublishLimits.MaxDataBytes} bytes of JSON; it has {size}.");
            }
        }

        ValidateTarget(request.Target, Add);

        if (request.ExpiresAt is not null && request.TtlSeconds is not null)
        {
            Add("ttlSeconds", "give either expiresAt or ttlSeconds, not both.");
        }
        else if (request.ExpiresAt is { } expiresAt && AsUtc(expiresAt) <= now)
        {
            Add("expiresAt", "expiresAt must be in the future.");
        }
        else if (request.TtlSeconds is { } ttl && ttl is < 1 or > PublishLimits.MaxTtlSeconds)
        {
            Add("ttlSeconds", $"ttlSeconds must be between 1 and {PublishLimits.MaxTtlSeconds}.");
        }

        if (idempotencyKey is not null
            && (idempotencyKey.Length is 0 or > PublishLimits.MaxIdempotencyKeyLength || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            Add("Idempotency-Key", $"the Idempotency-Key header must be 1 to {PublishLimits.MaxIdempotencyKeyLength} visible ASCII characters.");
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    public static NotificationDraft ToDraft(PublishRequest request) => new()
    {
        Type = request.Type!,
        Title = request.Title!,
        Body = request.Body,
        Severity = request.Severity!,
        Data = request.Data is { ValueKind: JsonValueKind.Object } data ? data.Clone() : null,
        Target = new NotificationTarget
        {
            All = request.Target!.All,
            Stores = Distinct(request.Target.Stores),
            Regions = Distinct(request.Target.Regions),
            Users = Distinct(request.Target.Users),
            Roles = Distinct(request.Target.Roles),
        },
        RequiresAck = request.RequiresAck,
        ExpiresAt = request.ExpiresAt is { } expiresAt ? AsUtc(expiresAt) : null,
        TimeToLive = request.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
    };

    private static void ValidateTarget(PublishTarget? target, Action<string, string> add)
    {
        if (target is null)
        {
            add("target", "target is required: name at least one store, region, user or role, or set all: true.");
            return;
        }

        var named = 0;
        foreach (var (field, values) in (ReadOnlySpan<(string, IReadOnlyList<string>?)>)
            [("target.stores", target.Stores), ("target.regions", target.Regions), ("target.users", target.Users), ("target.roles", target.Roles)])
        {
            if (values is null)
            {
                continue;
            }

            named += values.Count;
            if (values.Count > PublishLimits.MaxTargetsPerList)
            {
                add(field, $"{field} may name at most {PublishLimits.MaxTargetsPerList} ids.");
            }

            var bad = values.Where(v => !Ids.IsValid(v)).Take(3).Select(v => $"'{Shorten(v)}'").ToList();
            if (bad.Count > 0)
            {
                add(field, $"every id in {field} must match {Ids.Pattern}; {string.Join(", ", bad)} does not.");
            }
        }

        if (!target.All && named == 0)
        {
            add("target", "target must name at least one store, region, user or role, or set all: true.");
        }
    }

    // A time without an offset is taken as UTC, never as this server's local time.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();

    private static string[] Distinct(IReadOnlyList<string>? values) =>
        values is null ? [] : values.Distinct(StringComparer.Ordinal).ToArray();

    private static string Shorten(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value ?? string.Empty;
}
