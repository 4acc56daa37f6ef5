using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Notifications.Contract;

/// <summary>
/// A notification id in Redis Stream form, <c>{milliseconds}-{sequence}</c>, so that the in-memory
/// store and a Redis Stream order notifications the same way.
/// </summary>
public readonly record struct NotificationId(long Milliseconds, long Sequence) : IComparable<NotificationId>
{
    /// <summary>Before every id.</summary>
    public static readonly NotificationId Zero = new(0, 0);

    /// <summary>Parses <c>{milliseconds}-{sequence}</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out NotificationId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 41)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }

        var ms = text.AsSpan(0, dash);
        var seq = text.AsSpan(dash + 1);
        if (!IsDigits(ms) || !IsDigits(seq)
            || !long.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        id = new NotificationId(milliseconds, sequence);
        return true;
    }

    /// <summary>The next id after this one for a clock reading of <paramref name="nowMilliseconds"/>.</summary>
    public NotificationId Next(long nowMilliseconds) =>
        nowMilliseconds > Milliseconds ? new NotificationId(nowMilliseconds, 0) : new NotificationId(Milliseconds, Sequence + 1);

    /// <summary>The first id that can be issued at or after <paramref name="at"/>.</summary>
    public static NotificationId At(DateTimeOffset at) => new(Math.Max(0, at.ToUnixTimeMilliseconds()), 0);

    /// <summary>Orders by time, then by sequence.</summary>
    public int CompareTo(NotificationId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    /// <summary>Whether <paramref name="left"/> comes first.</summary>
    public static bool operator <(NotificationId left, NotificationId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> comes after.</summary>
    public static bool operator >(NotificationId left, NotificationId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> comes first or is the same.</summary>
    public static bool operator <=(NotificationId left, NotificationId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> comes after or is the same.</summary>
    public static bool operator >=(NotificationId left, NotificationId right) => left.CompareTo(right) >= 0;

    /// <summary>The wire form, <c>{milliseconds}-{sequence}</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return span.Length is > 0 and <= 20;
    }
}
