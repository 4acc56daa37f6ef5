using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Notifications.Server.Tests.Infrastructure;

namespace Notifications.Server.Tests;

/// <summary>The server binary as operators run it: its refusal to start unsafely and its token command.</summary>
[Trait(Tiers.Name, Tiers.Sockets)]
public sealed class ServerProcessTests
{
    private static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    [Theory]
    [InlineData("", "Auth:SigningKey is not set")]
    [InlineData("short", "Auth:SigningKey is too short")]
    [InlineData("                                ", "Auth:SigningKey is too predictable")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Auth:SigningKey is too predictable")]
    public async Task OutsideDevelopmentTheServerRefusesToStartWithoutAGoodSigningKeyAndSaysWhy(string key, string reason)
    {
        var (exitCode, _, error) = await ServerProcess.RunAsync([], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = key,
        });

        Assert.Equal(78, exitCode);
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheServerRefusesInconsistentHubTimeouts()
    {
        var (exitCode, _, error) = await ServerProcess.RunAsync([], new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Auth__SigningKey"] = SigningKey,
            ["Hub__KeepAliveSeconds"] = "30",
            ["Hub__ClientTimeoutSeconds"] = "30",
        });

        Assert.Equal(78, exitCode);
        Assert.Contains("ClientTimeoutSeconds must be greater than Hub:KeepAliveSeconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCommandPrintsATokenTheHubAccepts()
    {
        var (exitCode, output, error) = await ServerProcess.RunAsync(
            ["token", "--sub", "u-1", "--store", "fr-0042", "--store", "fr-0043", "--region", "idf", "--role", "dashboard"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__SigningKey"] = SigningKey });

        Assert.True(exitCode == 0, error);
        var token = output.Trim();
        Assert.DoesNotContain('\n', token);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "notifications-hub",
            ValidAudience = "notifications",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var jwt = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("u-1", jwt.Subject);
        Assert.Equal(["fr-0042", "fr-0043"], jwt.Claims.Where(c => c.Type == "store").Select(c => c.Value));
        Assert.Equal(["idf"], jwt.Claims.Where(c => c.Type == "region").Select(c => c.Value));
        Assert.Equal(["dashboard"], jwt.Claims.Where(c => c.Type == "role").Select(c => c.Value));
    }

    [Theory]
    [InlineData("-01:00:00")]
    [InlineData("00:00:00")]
    public async Task TokenCommandRefusesALifetimeThatIsNotPositive(string lifetime)
    {
        var (exitCode, output, error) = await ServerProcess.RunAsync(
            ["token", "--sub", "u-1", "--role", "dashboard", "--lifetime", lifetime],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__SigningKey"] = SigningKey });

        Assert.Equal(2, exitCode);
        Assert.Empty(output.Trim());
        Assert.Contains("--lifetime must be positive", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCommandRefusesAMalformedIdWithExitCode2()
    {
        var (exitCode, output, error) = await ServerProcess.RunAsync(
            ["token", "--sub", "not valid!", "--role", "dashboard"],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__SigningKey"] = SigningKey });

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("sub must match", error, StringComparison.Ordinal);
    }
}
