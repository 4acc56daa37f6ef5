using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Notifications.Benchmarks;

/// <summary>Tokens the hub accepts, signed with the key the benchmark started it with.</summary>
internal sealed class Tokens(string signingKey)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256);

    public string SigningKey => signingKey;

    public string Dashboard(string sub, string store) => Mint(sub, "dashboard", store);

    public string Admin() => Mint("bench-admin", "admin", store: null);

    private string Mint(string sub, string role, string? store)
    {
        var claims = new List<Claim> { new("sub", sub), new("role", role) };
        if (store is not null)
        {
            claims.Add(new Claim("store", store));
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "notifications-hub",
            Audience = "notifications",
            Expires = DateTime.UtcNow.AddHours(2),
            SigningCredentials = _credentials,
        });
    }
}
