using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;

namespace Notifications.Server.Api;

internal static class ApiExtensions
{
    /// <summary>Problem details, strict JSON binding with field-named errors, rate limits and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddNotificationsApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<StorageUnavailableExceptionHandler>();

        // Binding failures are thrown so that BadRequestExceptionHandler can name the bad field.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.RespectNullableAnnotations = true;
            options.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            options.SerializerOptions.AllowTrailingCommas = false;
            options.SerializerOptions.ReadCommentHandling = JsonCommentHandling.Disallow;
        });

        builder.AddApiRateLimits();
        builder.Services.AddOpenApi();
        return builder;
    }
}
