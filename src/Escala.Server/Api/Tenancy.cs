namespace Escala.Server.Api;

/// <summary>Which tenant a request acts for. Until API keys are configured every request is the <c>default</c> tenant.</summary>
public static class Tenancy
{
    public const string DefaultTenant = "default";

    public static string Tenant(this HttpContext context) =>
        context.Items.TryGetValue(TenantItem, out var tenant) && tenant is string name ? name : DefaultTenant;

    /// <summary>The <see cref="HttpContext.Items"/> key an authentication layer sets.</summary>
    public const string TenantItem = "escala.tenant";
}
