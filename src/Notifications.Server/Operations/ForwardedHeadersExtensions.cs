using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Notifications.Server.Operations;

internal static class ForwardedHeadersExtensions
{
    /// <summary>
    /// Honours X-Forwarded-For/-Proto/-Host from the proxy in front (loopback by default, more in
    /// ForwardedHeaders:KnownProxies and KnownNetworks), so same-origin checks and logs see what the browser saw.
    /// </summary>
    public static WebApplicationBuilder AddProxySupport(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ProxyOptions>(ProxyOptions.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return builder;
    }
}
