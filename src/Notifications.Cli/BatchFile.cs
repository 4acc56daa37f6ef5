using System.Text.Json;
using System.Text.RegularExpressions;
using Notifications.Client;
using Notifications.Contract;

namespace Notifications.Cli;

/// <summary>
/// A batch for <c>notify send --batch</c>: JSON lines, one publish body per line (the body of
/// <c>POST /api/notifications</c>, optionally with <c>idempotencyKey</c>); blank lines are skipped.
/// Every error names the line it is on, including those the hub finds (<c>items[2]</c> is a line).
/// </summary>
internal sealed partial class BatchFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly List<int> _lines;

    private BatchFile(string name, List<PublishBatchItem> items, List<int> lines)
    {
        Name = name;
        Items = items;
        _lines = lines;
    }

    /// <summary>The file's name as given, or "standard input".</summary>
    public string Name { get; }

    public IReadOnlyList<PublishBatchItem> Items { get; }

    /// <summary>Reads the batch; a problem is one sentence that names the line.</summary>
    public static async Task<(BatchFile? Batch, string? Problem)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var name = path == "-" ? "standard input" : path;
        string[] lines;
        try
        {
            lines = path == "-"
                ? (await Console.In.ReadToEndAsync(cancellationToken)).Split('\n')
                : await File.ReadAllLinesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return (null, $"cannot read the batch file {name}: {e.Message}");
        }

        var items = new List<PublishBatchItem>();
        var numbers = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            PublishBatchItem? item;
            try
            {
                item = JsonSerializer.Deserialize<PublishBatchItem>(line, Json);
            }
            catch (JsonException e)
            {
                return (null, $"line {i + 1} of {name} is not a publish body: {Describe(e)}");
            }

            if (item is null)
            {
                return (null, $"line {i + 1} of {name} is not a publish body: expected a JSON object, found null.");
            }

            items.Add(item);
            numbers.Add(i + 1);
        }

        return items.Count == 0
            ? (null, $"{name} holds no notification: write one publish body (a JSON object) per line.")
            : (new BatchFile(name, items, numbers), null);
    }

    /// <summary>The hub's refusal with each <c>items[i]</c> turned into the line it came from.</summary>
    public IEnumerable<string> Explain(NotificationRejectedException rejected)
    {
        if (rejected.Errors.Count == 0)
        {
            yield return rejected.Detail ?? rejected.Title ?? "the batch was not accepted.";
            yield break;
        }

        foreach (var (field, messages) in rejected.Errors)
        {
            // "items[2].title" is "line 5, title"; the line is said once, so messages drop their "items[2]."
            var item = ItemField().Match(field);
            var where = item.Success && Line(item.Groups["i"].Value) is { } number
                ? $"line {number}, {item.Groups["field"].Value}"
                : ItemIndex().Replace(field, m => Line(m.Groups["i"].Value) is { } n ? $"line {n}" : m.Value);
            var text = string.Join(" ", messages.Select(m => ItemPrefix().Replace(m.Trim(), string.Empty)));
            yield return $"{where}: {text}";
        }
    }

    private int? Line(string index) =>
        int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < _lines.Count
            ? _lines[i]
            : null;

    // The deserializer's messages name .NET types; the field and the path say it better here.
    private static string Describe(JsonException e)
    {
        var message = e.Message.Split(" Path:", 2)[0];
        message = UnknownField().Replace(message, "unknown field '${name}'");
        message = WrongType().Replace(message, "a value of the wrong type");
        return message.TrimEnd('.') + (e.Path is { Length: > 1 } path ? $" (at {path})." : ".");
    }

    [GeneratedRegex(@"The JSON property '(?<name>.*)' could not be mapped to any \.NET member contained in type '[^']*'\.", RegexOptions.CultureInvariant)]
    private static partial Regex UnknownField();

    [GeneratedRegex(@"The JSON value could not be converted to [^ ]+\.", RegexOptions.CultureInvariant)]
    private static partial Regex WrongType();

    [GeneratedRegex(@"^items\[(?<i>[0-9]+)\]\.(?<field>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ItemField();

    [GeneratedRegex(@"items\[(?<i>[0-9]+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ItemIndex();

    [GeneratedRegex(@"items\[[0-9]+\]\.", RegexOptions.CultureInvariant)]
    private static partial Regex ItemPrefix();
}
