using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Hub;

/// <summary>Hub settings, section <c>Hub</c>. Timeouts must stay below any proxy idle timeout.</summary>
internal sealed class NotificationHubOptions : IValidatableObject
{
    public const string SectionName = "Hub";

    /// <summary>This node's name in presence and metrics.</summary>
    [Required]
    [RegularExpression(Contract.Ids.Pattern)]
    public string NodeName { get; set; } = SafeMachineName();

    /// <summary>Browser origins, besides the hub's own, allowed to call the hub and the API.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How often the server pings an idle connection.</summary>
    [Range(1, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>How long the server waits for a message (or ping) from a client before closing it.</summary>
    [Range(2, 7200)]
    public int ClientTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a new connection has to complete the SignalR handshake.</summary>
    [Range(1, 600)]
    public int HandshakeTimeoutSeconds { get; set; } = 15;

    /// <summary>The largest message a client may send; larger ones close that connection.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaximumReceiveMessageBytes { get; set; } = 32 * 1024;

    /// <summary>How far before <c>afterId</c> Resume also looks, for notifications that arrived out of id order.</summary>
    [Range(1, 3600)]
    public int ResumeLookbackSeconds { get; set; } = 30;

    /// <summary>At most this many notifications in one Resume; beyond it the client is told to reload.</summary>
    [Range(1, 100_000)]
    public int MaxResumeNotifications { get; set; } = 1_000;

    /// <summary>A connection with more unsent notifications than this is closed (it reconnects and resumes).</summary>
    [Range(1, 1_000_000)]
    public int MaxPendingNotifications { get; set; } = 1_000;

    /// <summary>A connection whose oldest unsent notification waited longer than this is closed.</summary>
    [Range(1, 3600)]
    public int MaxSendDelaySeconds { get; set; } = 10;

    /// <summary>At most this many connections per <c>sub</c> across the cluster; the next is refused.</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>Hub method calls a connection may make per second on average; one that spends its budget is closed.</summary>
    [Range(1, 100_000)]
    public int InvocationsPerSecond { get; set; } = 20;

    /// <summary>How many calls a connection may make at once before the per-second rate applies (an "acknowledge all" of a full screen).</summary>
    [Range(1, 100_000)]
    public int InvocationBurst { get; set; } = 200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ClientTimeoutSeconds <= KeepAliveSeconds)
        {
            yield return new ValidationResult(
                "Hub:ClientTimeoutSeconds must be greater than Hub:KeepAliveSeconds (twice as large is recommended).",
                [nameof(ClientTimeoutSeconds)]);
        }

        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                yield return new ValidationResult($"Hub:AllowedOrigins has '{origin}', which is not an origin like https://host:port.", [nameof(AllowedOrigins)]);
            }
        }
    }

    private static string SafeMachineName()
    {
        var name = new string(Environment.MachineName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-').Take(64).ToArray());
        return name.Length > 0 ? name : "node";
    }
}
