using Escala.Configuration;
using Escala.Security;

namespace Escala.Server.Security;

/// <summary>Validates what a new key asks for (API and CLI alike) and makes it.</summary>
public sealed class KeyRequest
{
    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public string Name { get; private set; } = "";

    public string Tenant { get; private set; } = "";

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public IReadOnlyList<string>? Queues { get; private set; }

    public static KeyRequest Validate(string? name, string? tenant, IReadOnlyList<string?>? scopes, IReadOnlyList<string?>? queues, EscalaSettings? settings)
    {
        var request = new KeyRequest { Name = name ?? "", Tenant = tenant ?? "" };
        if (!SettingsBuilder.IsValidName(request.Name))
        {
            request.Errors["name"] = ["A key's name has letters, digits, '_', '.', '-' only, 1 to 64 characters."];
        }

        if (!SettingsBuilder.IsValidName(request.Tenant))
        {
            request.Errors["tenant"] = ["A tenant has letters, digits, '_', '.', '-' only, 1 to 64 characters."];
        }

        if (scopes is not { Count: > 0 })
        {
            request.Errors["scopes"] = [$"Give at least one of {string.Join(", ", Escala.Security.Scopes.All)}."];
        }
        else
        {
            for (var i = 0; i < scopes.Count; i++)
            {
                if (scopes[i] is not { } scope || !Escala.Security.Scopes.IsKnown(scope))
                {
                    request.Errors[$"scopes[{i}]"] = [$"Unknown scope; use {string.Join(", ", Escala.Security.Scopes.All)}."];
                }
            }

            request.Scopes = scopes.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        }

        if (queues is not null)
        {
            for (var i = 0; i < queues.Count; i++)
            {
                if (queues[i] is not { } queue || !SettingsBuilder.IsValidName(queue))
                {
                    request.Errors[$"queues[{i}]"] = ["Not a queue name."];
                }
                else if (settings is not null && settings.FindQueue(queue) is null)
                {
                    request.Errors[$"queues[{i}]"] = [$"Unknown queue '{queue}'."];
                }
            }

            request.Queues = queues.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
            if (request.Queues.Count == 0)
            {
                request.Errors.TryAdd("queues", ["Give at least one queue, or leave queues out for every queue."]);
            }
        }

        return request;
    }

    public static (ApiKey Key, string Text) NewKey(KeyRequest request, DateTimeOffset now)
    {
        var (id, text, hash) = ApiKeySecrets.Create();
        return (new ApiKey
        {
            Id = id,
            Name = request.Name,
            Tenant = request.Tenant,
            Scopes = request.Scopes,
            Queues = request.Queues,
            SecretHash = hash,
            CreatedAt = now,
        }, text);
    }
}
