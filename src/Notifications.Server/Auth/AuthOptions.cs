namespace Notifications.Server.Auth;

/// <summary>JWT settings, section <c>Auth</c>.</summary>
internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The HS256 key, at least 32 bytes of UTF-8. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "notifications-hub";

    public string Audience { get; set; } = "notifications";

    /// <summary>Tolerance for clock differences between the token issuer and this node.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Lifetime of a device's access token (<c>POST /auth/device-token</c>), in minutes; screens refresh before it ends.</summary>
    public double DeviceTokenMinutes { get; set; } = 15;

    /// <summary>Lifetime of tokens minted by the CLI and the Development endpoint.</summary>
    public TimeSpan MintedTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    internal const int MinimumKeyBytes = 32;

    internal const int MinimumKeyEntropyBits = 128;
}
