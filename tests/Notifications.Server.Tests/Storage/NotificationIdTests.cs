using Notifications.Contract;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests.Storage;

[Trait(Tiers.Name, Tiers.Fast)]
public sealed class NotificationIdTests
{
    [Theory]
    [InlineData("1764236400123-0", 1764236400123L, 0L)]
    [InlineData("0-0", 0L, 0L)]
    [InlineData("1-18446744", 1L, 18446744L)]
    public void ParsesRedisStreamIds(string text, long milliseconds, long sequence)
    {
        Assert.True(NotificationId.TryParse(text, out var id));
        Assert.Equal(new NotificationId(milliseconds, sequence), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("12")]
    [InlineData("12-")]
    [InlineData("-3")]
    [InlineData("+1-2")]
    [InlineData("1-2-3")]
    [InlineData("1 -2")]
    [InlineData("٣-1")]
    [InlineData("99999999999999999999-1")]
    public void RefusesAnythingElse(string? text) => Assert.False(NotificationId.TryParse(text, out _));

    [Fact]
    public void OrdersByTimeThenSequence()
    {
        Assert.True(new NotificationId(1, 9) < new NotificationId(2, 0));
        Assert.True(new NotificationId(2, 1) > new NotificationId(2, 0));
        Assert.Equal(new NotificationId(5, 0), new NotificationId(4, 7).Next(5));
        Assert.Equal(new NotificationId(4, 8), new NotificationId(4, 7).Next(3));
    }
}
