using Notifications.Contract;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Notifications.Server.Api;

/// <summary>
/// Turns the framework's body-binding failures into problem details that name the field:
/// wrong JSON types, unknown fields and malformed JSON become 400 with an <c>errors</c> entry.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        // The framework's own messages ("Implicit body inferred for parameter…") say nothing a caller can act on.
        ProblemDetails problem = badRequest switch
        {
            { InnerException: JsonException json } => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { [FieldOf(json)] = [Describe(json)] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid.",
            },
            { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Request body too large",
                Detail = $"The request body is larger than the hub accepts ({PublishLimits.MaxRequestBytes / 1024} KiB).",
            },
            _ when HasNoBody(httpContext.Request) => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["body"] = ["The request needs a JSON body (Content-Type: application/json)."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid.",
            },
            _ => new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "Bad request",
                Detail = "The request could not be read: check its body and its Content-Type (application/json).",
            },
        };

        LogRejected(logger, httpContext.Request.Method, httpContext.Request.Path, problem.Status ?? 400, problem.Detail ?? problem.Title);
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static bool HasNoBody(HttpRequest request) =>
        request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true));

    // "$.target.stores[1]" → "target.stores"; an unknown property is reported at its parent's path.
    private static string FieldOf(JsonException json)
    {
        var unknown = UnknownProperty(json);
        var path = json.Path is null or "$" ? string.Empty : json.Path.TrimStart('$', '.');
        var bracket = path.IndexOf('[', StringComparison.Ordinal);
        if (bracket >= 0)
        {
            path = path[..bracket];
        }

        if (unknown is not null && !path.EndsWith(unknown, StringComparison.Ordinal))
        {
            path = path.Length == 0 ? unknown : $"{path}.{unknown}";
        }

        return path.Length == 0 ? "body" : path;
    }

    private static string Describe(JsonException json) =>
        UnknownProperty(json) is { } unknown
            ? $"'{unknown}' is not a field of this request."
            : json.Path is null or "$"
                ? "The body is not valid JSON of the expected shape."
                : $"{FieldOf(json)} has the wrong JSON type or is not valid JSON.";

    private static string? UnknownProperty(JsonException json)
    {
        const string marker = "The JSON property '";
        var message = json.Message;
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }

        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Rejected {Method} {Path} with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, PathString path, int status, string? reason);
}
