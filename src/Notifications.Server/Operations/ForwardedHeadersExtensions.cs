using Microsoft.AspNetCore.HttpOverrides;

namespace Notifications.Server.Operations;

public static class ForwardedHeadersExtensions
{
    /// <summary>
    /// Honours X-Forwarded-For/-Proto/-Host from the proxy in front (loopback by default, more in
    /// ForwardedHeaders:KnownProxies), so same-origin checks and logs see what the browser saw.
    /// </summary>
    public static WebApplicationBuilder AddProxySupport(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var proxy in builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        return builder;
    }
}
