using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Server.Auth;

namespace Notifications.Server.Tests.Infrastructure;

/// <summary>
/// A fresh hub per test: its own signing key, node name and settings, in-process by default or on
/// real Kestrel sockets (<see cref="UseRealSockets"/>), with every log line captured.
/// </summary>
internal sealed class HubApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    public HubApplication(IDictionary<string, string?>? settings = null, string environment = "Testing", Action<IServiceCollection>? services = null)
    {
        _environment = environment;
        _services = services;
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Hub:NodeName"] = "node-" + Guid.NewGuid().ToString("N")[..8],
            ["RateLimiting:Burst"] = "100000",
            ["RateLimiting:PermitsPerSecond"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public CapturedLogs Logs { get; } = new();

    public string NodeName => _settings["Hub:NodeName"]!;

    public bool RealSockets { get; private set; }

    /// <summary>Serve on 127.0.0.1 with a free port instead of the in-process test server.</summary>
    public HubApplication UseRealSockets()
    {
        RealSockets = true;
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        return this;
    }

    public Uri BaseAddress => RealSockets ? ClientOptions.BaseAddress : Server.BaseAddress;

    public string Token(string sub, string[]? stores = null, string[]? regions = null, string[]? roles = null, TimeSpan? lifetime = null) =>
        Services.GetRequiredService<TokenIssuer>().Mint(
            new TokenRequest { Sub = sub, Stores = stores ?? [], Regions = regions ?? [], Roles = roles ?? [] },
            lifetime);

    /// <summary>A correctly signed token whose validity ended an hour ago.</summary>
    public string ExpiredToken(string sub, string[]? stores = null, string[]? roles = null)
    {
        var auth = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value;
        var claims = new Dictionary<string, object> { ["sub"] = sub };
        if (stores is not null)
        {
            claims["store"] = stores;
        }

        if (roles is not null)
        {
            claims["role"] = roles;
        }

        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Claims = claims,
            IssuedAt = DateTime.UtcNow.AddHours(-2),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(
                new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(auth.SigningKey!)),
                Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    public string AdminToken() => Token("admin-" + Guid.NewGuid().ToString("N")[..6], roles: [HubRoles.Admin]);

    public HttpClient CreateClient(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A SignalR client over WebSockets; the token goes in the query string when <paramref name="tokenInQuery"/>, as browsers send it.</summary>
    public HubConnection CreateHubConnection(string? token, bool tokenInQuery = false, bool messagePack = false, Action<IHubConnectionBuilder>? configure = null, Uri? via = null)
    {
        var url = new Uri(via ?? BaseAddress, Hub.HubEndpointExtensions.HubPath + (tokenInQuery && token is not null ? $"?access_token={Uri.EscapeDataString(token)}" : string.Empty));
        var builder = new HubConnectionBuilder().WithUrl(url, options =>
        {
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = false;
            if (!tokenInQuery && token is not null)
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }

            if (!RealSockets)
            {
                options.HttpMessageHandlerFactory = _ => Server.CreateHandler();
                options.WebSocketFactory = async (context, cancellationToken) =>
                {
                    var client = Server.CreateWebSocketClient();
                    client.ConfigureRequest = request =>
                    {
                        if (!tokenInQuery && token is not null)
                        {
                            request.Headers.Authorization = "Bearer " + token;
                        }
                    };
                    return await client.ConnectAsync(context.Uri, cancellationToken);
                };
            }
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePack.MessagePackSerializerOptions.Standard
                .WithResolver(MessagePack.Resolvers.ContractlessStandardResolver.Instance));
        }

        configure?.Invoke(builder);
        return builder.Build();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(Logs);
        });
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }
}
