using System.Text;
using System.Text.Json;
using Notifications.Contract;
using Notifications.Server.Auth;
using Notifications.Server.Storage;

namespace Notifications.Server.Api;

/// <summary>Checks a publish request against the contract and names every bad field.</summary>
internal static class PublishRequestValidator
{
    public static Dictionary<string, string[]> Validate(PublishRequest request, string? idempotencyKey, DateTime now)
    {
        var errors = new FieldErrors();
        Check(request, string.Empty, errors, now);
        CheckIdempotencyKey(idempotencyKey, "Idempotency-Key", "the Idempotency-Key header", errors);
        return errors.ToDictionary();
    }

    /// <summary>Every item of a batch, each field named as <c>items[3].title</c>.</summary>
    public static Dictionary<string, string[]> Validate(PublishBatchRequest request, DateTime now)
    {
        var errors = new FieldErrors();
        if (request.Items is not { Count: >= 1 and <= PublishLimits.MaxBatchItems } items)
        {
            errors.Add("items", $"items must hold 1 to {PublishLimits.MaxBatchItems} notifications; it holds {request.Items?.Count ?? 0}.");
            return errors.ToDictionary();
        }

        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"items[{i}]";
            if (items[i] is not { } item)
            {
                errors.Add(prefix, $"{prefix} must be a notification, not null.");
                continue;
            }

            Check(item, prefix + ".", errors, now);
            CheckIdempotencyKey(item.IdempotencyKey, $"{prefix}.idempotencyKey", $"{prefix}.idempotencyKey", errors);
        }

        return errors.ToDictionary();
    }

    private static void Check(PublishRequest request, string prefix, FieldErrors errors, DateTime now)
    {
        void Add(string field, string message) => errors.Add(prefix + field, message);

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

        ValidateTarget(request.Target, "target", Add);

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

        if (request.AckDeadlineSeconds is { } deadline)
        {
            if (deadline is < 1 or > PublishLimits.MaxAckDeadlineSeconds)
            {
                Add("ackDeadlineSeconds", $"ackDeadlineSeconds must be between 1 and {PublishLimits.MaxAckDeadlineSeconds}.");
            }
            else if (!request.RequiresAck)
            {
                Add("ackDeadlineSeconds", "ackDeadlineSeconds needs requiresAck: true: only a notification logs must acknowledge has a deadline.");
            }
        }

        if (request.EscalateTo is not null)
        {
            if (request.AckDeadlineSeconds is null)
            {
                Add("escalateTo", "escalateTo needs ackDeadlineSeconds: escalation happens when the deadline is missed.");
            }
            else
            {
                ValidateTarget(request.EscalateTo, "escalateTo", Add);
            }
        }
    }

    private static void CheckIdempotencyKey(string? key, string field, string name, FieldErrors errors)
    {
        if (key is not null && (key.Length is 0 or > PublishLimits.MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~')))
        {
            errors.Add(field, $"{name} must be 1 to {PublishLimits.MaxIdempotencyKeyLength} visible ASCII characters.");
        }
    }

    public static NotificationDraft ToDraft(PublishRequest request) => new()
    {
        Type = request.Type!,
        Title = request.Title!,
        Body = request.Body,
        Severity = request.Severity!,
        Data = request.Data is { ValueKind: JsonValueKind.Object } data ? data.Clone() : null,
        Target = ToTarget(request.Target)!,
        RequiresAck = request.RequiresAck,
        ExpiresAt = request.ExpiresAt is { } expiresAt ? AsUtc(expiresAt) : null,
        TimeToLive = request.TtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
        AckDeadlineAfter = request.AckDeadlineSeconds is { } deadline ? TimeSpan.FromSeconds(deadline) : null,
        EscalateTo = request.AckDeadlineSeconds is null ? null : ToTarget(request.EscalateTo) ?? DefaultEscalation,
    };

    /// <summary>Who hears of a missed deadline when the publisher does not say: the admins.</summary>
    private static readonly NotificationTarget DefaultEscalation = new() { Roles = [HubRoles.Admin] };

    private static NotificationTarget? ToTarget(PublishTarget? target) => target is null ? null : new NotificationTarget
    {
        All = target.All,
        Stores = Distinct(target.Stores),
        Regions = Distinct(target.Regions),
        Users = Distinct(target.Users),
        Roles = Distinct(target.Roles),
    };

    private static void ValidateTarget(PublishTarget? target, string name, Action<string, string> add)
    {
        if (target is null)
        {
            add(name, $"{name} is required: name at least one store, region, user or role, or set all: true.");
            return;
        }

        var named = 0;
        foreach (var (field, values) in (ReadOnlySpan<(string, IReadOnlyList<string>?)>)
            [($"{name}.stores", target.Stores), ($"{name}.regions", target.Regions), ($"{name}.users", target.Users), ($"{name}.roles", target.Roles)])
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
            add(name, $"{name} must name at least one store, region, user or role, or set all: true.");
        }
    }

    // A time without an offset is taken as UTC, never as this server's local time.
    private static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();

    private static string[] Distinct(IReadOnlyList<string>? values) =>
        values is null ? [] : values.Distinct(StringComparer.Ordinal).ToArray();

    private static string Shorten(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value ?? string.Empty;

    /// <summary>Messages per field, in the order they were found.</summary>
    private sealed class FieldErrors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() =>
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}
