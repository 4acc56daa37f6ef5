namespace Notifications.Server.Pages;

/// <summary>
/// The store dashboard (<c>/</c>) and the admin console (<c>/admin</c>): static pages on the JS client
/// module, which the project's build bundles from npm into <c>wwwroot/lib</c>.
/// </summary>
internal static class PageExtensions
{
    // Pages load only their own scripts and styles and talk only to this hub; the token they carry
    // is worth stealing, so nothing else may run or frame them.
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplicationBuilder AddStorePages(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<StaticFileOptions>(files =>
        {
            files.OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Names are not fingerprinted: revalidate (ETag) so a new build reaches open pages on reload.
                headers.CacheControl = "no-cache";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            };
        });
        return builder;
    }

    public static WebApplication UseStorePages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapStorePages(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapFallbackToFile("/", "index.html");
        app.MapFallbackToFile("/admin", "admin.html");
        return app;
    }
}
