using Notifications.Contract;

namespace Notifications.Server.Auth;

/// <summary>The claims of a token to mint.</summary>
public sealed record TokenRequest
{
    public required string Sub { get; init; }

    public IReadOnlyList<string> Stores { get; init; } = [];

    public IReadOnlyList<string> Regions { get; init; } = [];

    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Field errors keyed by field name; empty when every id matches the contract's pattern.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Ids.IsValid(Sub))
        {
            errors["sub"] = [$"sub must match {Ids.Pattern}."];
        }

        Check("stores", Stores);
        Check("regions", Regions);
        Check("roles", Roles);
        return errors;

        void Check(string field, IReadOnlyList<string> values)
        {
            if (values.Any(v => !Ids.IsValid(v)))
            {
                errors[field] = [$"every value of {field} must match {Ids.Pattern}."];
            }
        }
    }
}
