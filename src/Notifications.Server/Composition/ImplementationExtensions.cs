using Notifications.Server.ScaleOut;
using Notifications.Server.Storage;
using Notifications.Server.Operations;

namespace Notifications.Server.Composition;

internal static class ImplementationExtensions
{
    /// <summary>
    /// The composition root's one decision: with <c>Redis:ConnectionString</c>, the Redis set of
    /// implementations; without it, the standalone set. Each set registers every interface that has
    /// two implementations, as a whole, so neither the order of <c>Program.cs</c> nor a missing
    /// registration can mix them.
    /// </summary>
    public static WebApplicationBuilder AddImplementations(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RedisOptions>(RedisOptions.SectionName)
            .Validate(o => o.ReplicaAckFitsCommandTimeout, "Redis:ReplicaAckTimeoutMilliseconds must be below Redis:CommandTimeoutMilliseconds.");

        var redis = builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();
        if (redis.IsConfigured)
        {
            builder.Services.AddRedisImplementations();
        }
        else
        {
            builder.Services.AddStandaloneImplementations();
        }

        return builder;
    }
}
