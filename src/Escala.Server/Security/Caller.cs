using Escala.Security;

namespace Escala.Server.Security;

/// <summary>Who a request acts for: the actor the audit log names, the tenant, the scopes, the queues a key is limited to.</summary>
/// <param name="Actor"><c>key:{id}</c>, <c>jwt:{subject}</c> or <c>open</c>; never a secret.</param>
/// <param name="RateKey">What per-key rate limits and stream caps count by.</param>
public sealed record Caller(string Actor, string Tenant, IReadOnlySet<string> Scopes, IReadOnlyList<string>? Queues, string RateKey)
{
    private const string Item = "escala.caller";

    public static Caller Open(string address) =>
        new("open", Api.Tenancy.DefaultTenant, Escala.Security.Scopes.All.ToHashSet(StringComparer.Ordinal), null, "ip:" + address);

    public static Caller FromKey(ApiKey key) =>
        new("key:" + key.Id, key.Tenant, key.Scopes.ToHashSet(StringComparer.Ordinal), key.Queues, "key:" + key.Id);

    /// <summary>True when the caller may touch <paramref name="queue"/>.</summary>
    public bool MayUse(string queue) => Queues is null || Queues.Contains(queue, StringComparer.Ordinal);

    /// <summary>Whose jobs an external worker leases: its key's tenant; every tenant's in open mode.</summary>
    public static string? LeaseTenant(HttpContext context) => Of(context) is { Actor: not "open" } caller ? caller.Tenant : null;

    public static Caller? Of(HttpContext context) => context.Items.TryGetValue(Item, out var caller) ? caller as Caller : null;

    public void AttachTo(HttpContext context)
    {
        context.Items[Item] = this;
        context.Items[Api.Tenancy.TenantItem] = Tenant;
        var claims = Scopes.Select(s => new System.Security.Claims.Claim("scope", s))
            .Append(new System.Security.Claims.Claim("tenant", Tenant))
            .Append(new System.Security.Claims.Claim("actor", Actor));
        context.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(claims, "escala", "actor", null));
    }
}
