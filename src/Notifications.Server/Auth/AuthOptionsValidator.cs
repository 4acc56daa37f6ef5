using System.Text;
using Microsoft.Extensions.Options;

namespace Notifications.Server.Auth;

/// <summary>Refuses to start with a missing, short or predictable signing key, and says what to set.</summary>
internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (string.IsNullOrEmpty(options.SigningKey))
        {
            return ValidateOptionsResult.Fail(
                "Auth:SigningKey is not set. Outside Development the hub needs a signing key of at least 32 bytes: " +
                "set the environment variable Auth__SigningKey (or Auth:SigningKey in appsettings).");
        }

        if (Encoding.UTF8.GetByteCount(options.SigningKey) < AuthOptions.MinimumKeyBytes)
        {
            return ValidateOptionsResult.Fail(
                $"Auth:SigningKey is too short: HS256 needs at least {AuthOptions.MinimumKeyBytes} bytes.");
        }

        if (EstimatedEntropyBits(options.SigningKey) < AuthOptions.MinimumKeyEntropyBits)
        {
            return ValidateOptionsResult.Fail(
                $"Auth:SigningKey is too predictable (about {EstimatedEntropyBits(options.SigningKey):F0} bits of entropy, at least {AuthOptions.MinimumKeyEntropyBits} needed): " +
                "use random bytes, e.g. the output of `head -c 48 /dev/urandom | base64`.");
        }

        if (options.DeviceTokenMinutes is <= 0 or > 24 * 60)
        {
            return ValidateOptionsResult.Fail("Auth:DeviceTokenMinutes must be above 0 and at most 1440 (a day).");
        }

        if (options.MintedTokenLifetime <= TimeSpan.Zero)
        {
            return ValidateOptionsResult.Fail("Auth:MintedTokenLifetime must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            return ValidateOptionsResult.Fail("Auth:Issuer and Auth:Audience must not be empty.");
        }

        return ValidateOptionsResult.Success;
    }

    /// <summary>
    /// The key's length times the Shannon entropy of its characters: 0 for 32 spaces, about 190 for
    /// 32 random bytes in base64. A cheap guard against placeholders, not a strength meter.
    /// </summary>
    internal static double EstimatedEntropyBits(string key)
    {
        var counts = key.GroupBy(c => c).Select(g => (double)g.Count());
        var perCharacter = -counts.Sum(n => n / key.Length * Math.Log2(n / key.Length));
        return perCharacter * key.Length;
    }
}
