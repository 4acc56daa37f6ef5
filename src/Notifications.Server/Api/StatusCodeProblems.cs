using Notifications.Contract;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace Notifications.Server.Api;

/// <summary>
/// Gives error responses that the framework ends without a body (Kestrel's 413 for an oversized
/// body, 405, 415 …) a problem-details body, so every error a client sees explains itself.
/// </summary>
internal static class StatusCodeProblems
{
    public static IApplicationBuilder UseStatusCodeProblems(this IApplicationBuilder app) =>
        app.UseStatusCodePages(WriteAsync);

    private static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var detail = http.Response.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? string.Create(CultureInfo.InvariantCulture, $"The request body must be at most {PublishLimits.MaxRequestBytes:N0} bytes.")
            : null;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = http.Response.StatusCode, Detail = detail },
        });
    }
}
