using System.CommandLine;
using Escala.Configuration;
using Escala.Security;
using Escala.Server.Hosting;
using Escala.Server.Security;
using Escala.Storage;

namespace Escala.Server.Cli;

/// <summary>
/// <c>escala keys create|list|revoke</c>: manage API keys directly in the store (same <c>--store</c>,
/// <c>--data</c> and <c>--config</c> as <c>serve</c>), so the first key exists before a node listens beyond
/// loopback. The secret is printed once; the store keeps only its hash. Every change is audited as <c>cli</c>.
/// </summary>
internal static class KeysCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Create, list and revoke API keys (in the store, no running node needed).");
        keys.Subcommands.Add(CreateCommand());
        keys.Subcommands.Add(ListCommand());
        keys.Subcommands.Add(RevokeCommand());
        return keys;
    }

    private static (Option<string?> Store, Option<string?> Data, Option<string?> Config) StoreOptions() => (
        new Option<string?>("--store") { Description = "PostgreSQL connection string or SQLite directory (as for serve)." },
        new Option<string?>("--data") { Description = "SQLite data directory. Defaults to ./escala-data." },
        new Option<string?>("--config") { Description = "Configuration file. Defaults to ./escala.json when present." });

    private static Command CreateCommand()
    {
        var (store, data, config) = StoreOptions();
        var tenant = new Option<string>("--tenant") { Description = "The tenant the key acts for.", DefaultValueFactory = _ => "default" };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated: submit, read, worker, admin.", DefaultValueFactory = _ => "submit,read" };
        var queues = new Option<string?>("--queues") { Description = "Comma-separated queues it may submit to and lease from; all when left out." };
        var name = new Option<string>("--name") { Description = "A label for people.", DefaultValueFactory = _ => "key" };
        var ifNone = new Option<bool>("--if-none") { Description = "Create it only when no active key exists (a deployment's first start)." };
        var command = new Command("create", "Create a key and print it once.") { tenant, scopes, queues, name, ifNone, store, data, config };
        command.SetAction((parse, ct) => WithStoreAsync(parse.GetValue(store), parse.GetValue(data), parse.GetValue(config), async (keys, settings) =>
        {
            var request = KeyRequest.Validate(parse.GetValue(name), parse.GetValue(tenant), Split(parse.GetValue(scopes)),
                parse.GetValue(queues) is { } q ? Split(q) : null, settings);
            if (request.Errors.Count > 0)
            {
                foreach (var (field, messages) in request.Errors)
                {
                    await Console.Error.WriteLineAsync($"--{field.Split('[')[0]}: {string.Join(" ", messages)}");
                }

                return 2;
            }

            if (parse.GetValue(ifNone) && await keys.CountActiveKeysAsync(ct) > 0)
            {
                await Console.Error.WriteLineAsync("An active key exists already; none created (--if-none).");
                return 0;
            }

            var (key, text) = KeyRequest.NewKey(request, DateTimeOffset.UtcNow);
            await keys.CreateKeyAsync(key, ct);
            await keys.AppendAuditAsync(new AuditEntry(DateTimeOffset.UtcNow, "cli", key.Tenant, "key.create", "key:" + key.Id,
                $"scopes={string.Join(',', key.Scopes)}"), ct);
            Console.WriteLine(text);
            await Console.Error.WriteLineAsync(
                $"Created key {key.Id} for tenant {key.Tenant} ({string.Join(",", key.Scopes)}). Send it as 'Authorization: Bearer <key>'; it is not shown again.");
            return 0;
        }));
        return command;
    }

    private static Command ListCommand()
    {
        var (store, data, config) = StoreOptions();
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's keys." };
        var command = new Command("list", "List keys (never their secrets).") { tenant, store, data, config };
        command.SetAction((parse, ct) => WithStoreAsync(parse.GetValue(store), parse.GetValue(data), parse.GetValue(config), async (keys, _) =>
        {
            foreach (var key in await keys.ListKeysAsync(parse.GetValue(tenant), ct))
            {
                Console.WriteLine(string.Join('\t', key.Id, key.Tenant, key.Name, string.Join(',', key.Scopes),
                    key.Queues is null ? "*" : string.Join(',', key.Queues), key.CreatedAt.ToString("O"),
                    key.RevokedAt is { } at ? "revoked " + at.ToString("O") : "active"));
            }

            return 0;
        }));
        return command;
    }

    private static Command RevokeCommand()
    {
        var (store, data, config) = StoreOptions();
        var id = new Argument<string>("id") { Description = "The key's id (the part after esk_, before the second _)." };
        var command = new Command("revoke", "Revoke a key: every node refuses it within a second.") { id, store, data, config };
        command.SetAction((parse, ct) => WithStoreAsync(parse.GetValue(store), parse.GetValue(data), parse.GetValue(config), async (keys, _) =>
        {
            var keyId = parse.GetValue(id)!;
            var found = ApiKeySecrets.IsValidId(keyId) ? await keys.FindKeyAsync(keyId, ct) : null;
            if (found is null || !await keys.RevokeKeyAsync(keyId, null, DateTimeOffset.UtcNow, ct))
            {
                await Console.Error.WriteLineAsync($"No active key '{keyId}'.");
                return 1;
            }

            await keys.AppendAuditAsync(new AuditEntry(DateTimeOffset.UtcNow, "cli", found.Tenant, "key.revoke", "key:" + keyId, null), ct);
            Console.WriteLine($"Revoked {keyId}.");
            return 0;
        }));
        return command;
    }

    private static async Task<int> WithStoreAsync(string? store, string? data, string? config, Func<IKeyStore, EscalaSettings, Task<int>> body)
    {
        EscalaSettings settings;
        IConfiguration configuration;
        try
        {
            (settings, configuration) = EscalaHost.LoadSettings(new ServeOptions { Store = store, Data = data, Config = config });
        }
        catch (ConfigurationException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using var jobs = StoreFactory.Create(configuration["Store"], configuration["Data"], configuration["Schema"]);
        try
        {
            await jobs.MigrateAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"The store could not be opened: {ex.Message}");
            return 3;
        }

        return await body((IKeyStore)jobs, settings);
    }

    private static string?[] Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
