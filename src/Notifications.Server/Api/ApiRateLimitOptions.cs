using System.ComponentModel.DataAnnotations;

namespace Notifications.Server.Api;

/// <summary>Per-caller token bucket on the REST API, section <c>RateLimiting</c>.</summary>
internal sealed class ApiRateLimitOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>Requests a caller may make at once before it is limited.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 100;

    /// <summary>Requests a caller regains every second.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 50;
}
