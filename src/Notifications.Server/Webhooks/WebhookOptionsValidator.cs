using Microsoft.Extensions.Options;
using Notifications.Contract;

namespace Notifications.Server.Webhooks;

/// <summary>Names the endpoint and the field of every bad webhook setting, at start.</summary>
internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    private const string SecretPrefix = "whsec_";

    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Endpoints.Count; i++)
        {
            var endpoint = options.Endpoints[i];
            var at = $"Webhooks:Endpoints:{i}";
            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                failures.Add($"{at}:Url must be an absolute http or https URL.");
            }

            if (endpoint.Secret is not { } secret || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || !IsKey(secret[SecretPrefix.Length..]))
            {
                failures.Add($"{at}:Secret must be '{SecretPrefix}' followed by the base64 of 24 to 64 random bytes.");
            }

            foreach (var unknown in endpoint.Events.Where(e => !WebhookEventTypes.All.Contains(e)))
            {
                failures.Add($"{at}:Events names '{unknown}', which is not one of {string.Join(", ", WebhookEventTypes.All)}.");
            }
        }

        if (options.Endpoints.Select(e => e.Url).Distinct(StringComparer.Ordinal).Count() < options.Endpoints.Count)
        {
            failures.Add("Webhooks:Endpoints lists the same Url twice.");
        }

        if (!options.LeaseOutlastsTimeout)
        {
            failures.Add("Webhooks:LeaseSeconds must be greater than Webhooks:TimeoutSeconds.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) && length is >= 24 and <= 64;
    }
}
