using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notifications.Server.Auth;

/// <summary>Mints HS256 tokens with the contract's claims, for the CLI and the Development endpoint.</summary>
internal sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public string Mint(TokenRequest request, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var auth = options.Value;
        var claims = new List<Claim> { new(HubClaims.Subject, request.Sub) };
        claims.AddRange(request.Stores.Select(s => new Claim(HubClaims.Store, s)));
        claims.AddRange(request.Regions.Select(r => new Claim(HubClaims.Region, r)));
        claims.AddRange(request.Roles.Select(r => new Claim(HubClaims.Role, r)));

        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? auth.MintedTokenLifetime),
            SigningCredentials = new SigningCredentials(SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
    }

    internal static SymmetricSecurityKey SigningKey(AuthOptions auth) =>
        new(Encoding.UTF8.GetBytes(auth.SigningKey ?? throw new InvalidOperationException("Auth:SigningKey is not set.")));
}
