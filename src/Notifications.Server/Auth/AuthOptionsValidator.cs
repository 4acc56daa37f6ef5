using System.Text;
using Microsoft.Extensions.Options;

namespace Notifications.Server.Auth;

/// <summary>Refuses to start with a missing or short signing key, and says what to set.</summary>
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

        if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
        {
            return ValidateOptionsResult.Fail("Auth:Issuer and Auth:Audience must not be empty.");
        }

        return ValidateOptionsResult.Success;
    }
}
