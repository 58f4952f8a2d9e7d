using Escala.Configuration;
using Escala.Security;
using Escala.Server.Api;
using Escala.Storage;

namespace Escala.Server.Security;

/// <summary>
/// <c>/v1/keys</c> (admin scope): create a key (its secret is shown once), list a tenant's keys, revoke one;
/// <c>/v1/audit</c>: the latest admin and key actions. An admin key manages its own tenant's keys only.
/// </summary>
public static class KeysEndpoints
{
    public sealed record CreateKeyBody(string? Name, string? Tenant, IReadOnlyList<string?>? Scopes, IReadOnlyList<string?>? Queues);

    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").WithTags("Keys");
        keys.MapPost("/", CreateAsync).WithSummary("Create an API key; the response shows its secret once.");
        keys.MapGet("/", ListAsync).WithSummary("The tenant's keys (never their secrets).");
        keys.MapDelete("/{id}", RevokeAsync).WithSummary("Revoke a key; every node refuses it within a second.");
        app.MapGet("/v1/audit", AuditAsync).WithTags("Keys").WithSummary("The latest admin and key actions, newest first.");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IKeyStore store, KeyCache cache, AuditLog audit, EscalaSettings settings,
        TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.Of(http)!;
        var body = await RequestBody.ReadAsync<CreateKeyBody>(http.Request, ct);
        var tenant = body.Tenant ?? caller.Tenant;
        if (tenant != caller.Tenant && caller.Actor != "open")
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "tenant", "An admin key creates keys for its own tenant only.");
        }

        var check = KeyRequest.Validate(body.Name, tenant, body.Scopes, body.Queues, settings);
        if (check.Errors.Count > 0)
        {
            return Problems.Validation(new Client.JobValidationException(Client.JobRequestFault.Invalid, "Invalid key", check.Errors));
        }

        var (key, text) = KeyRequest.NewKey(check, time.GetUtcNow());
        await store.CreateKeyAsync(key, ct);
        cache.Invalidate();
        await audit.RecordAsync(caller.Actor, tenant, "key.create", "key:" + key.Id, $"scopes={string.Join(',', key.Scopes)}", ct);
        return Results.Created($"/v1/keys/{key.Id}", KeyDto.From(key) with { Key = text });
    }

    private static async Task<IResult> ListAsync(HttpContext http, IKeyStore store, CancellationToken ct)
    {
        var caller = Caller.Of(http)!;
        var keys = await store.ListKeysAsync(caller.Actor == "open" ? null : caller.Tenant, ct);
        return Results.Ok(new { keys = keys.Select(KeyDto.From) });
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, string id, IKeyStore store, KeyCache cache, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.Of(http)!;
        var tenant = caller.Actor == "open" ? null : caller.Tenant;
        if (!ApiKeySecrets.IsValidId(id) || !await store.RevokeKeyAsync(id, tenant, time.GetUtcNow(), ct))
        {
            return Problems.NotFound($"Key '{(id.Length > 20 ? id[..20] : id)}' (or it is already revoked)");
        }

        cache.Invalidate();
        await audit.RecordAsync(caller.Actor, caller.Tenant, "key.revoke", "key:" + id, null, ct);
        return Results.Ok(new { id, revoked = true });
    }

    private static async Task<IResult> AuditAsync(HttpContext http, IKeyStore store, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "limit", "limit must be between 1 and 1000.");
        }

        var caller = Caller.Of(http)!;
        var entries = await store.ListAuditAsync(caller.Actor == "open" ? limit ?? 100 : 1000, ct);
        return Results.Ok(new
        {
            entries = entries.Where(e => caller.Actor == "open" || e.Tenant == caller.Tenant).Take(limit ?? 100),
        });
    }

    /// <summary>A key as the API shows it: never its hash; <see cref="Key"/> (the secret) only in the creation response.</summary>
    public sealed record KeyDto(string Id, string Name, string Tenant, IReadOnlyList<string> Scopes, IReadOnlyList<string>? Queues,
        DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
    {
        public string? Key { get; init; }

        public static KeyDto From(ApiKey key) => new(key.Id, key.Name, key.Tenant, key.Scopes, key.Queues, key.CreatedAt, key.RevokedAt);
    }
}
