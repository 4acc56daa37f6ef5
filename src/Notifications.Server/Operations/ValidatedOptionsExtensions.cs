using Microsoft.Extensions.Options;

namespace Notifications.Server.Operations;

internal static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Options bound from <paramref name="section"/>, checked against their data annotations when the
    /// host starts, so a bad setting stops the hub with its name instead of failing on first use.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
