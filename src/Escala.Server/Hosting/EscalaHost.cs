using Escala.Configuration;
using Escala.Storage;
using Escala.Server.Api;
using Escala.Server.Security;
using Escala.Server.Dashboard;
using Escala.Server.Observability;
using Escala.Workloads;
using Microsoft.Extensions.Logging.Console;

namespace Escala.Server.Hosting;

/// <summary>Builds a node: configuration, store, engine, built-in kinds, telemetry, health and the HTTP API.</summary>
public static class EscalaHost
{
    /// <summary>Reads and validates the configuration; throws <see cref="ConfigurationException"/> naming every bad key.</summary>
    public static (EscalaSettings Settings, IConfiguration Configuration) LoadSettings(ServeOptions serve)
    {
        var configuration = new ConfigurationBuilder();
        var file = serve.Config ?? Path.Combine(Directory.GetCurrentDirectory(), "escala.json");
        if (serve.Config is not null && !File.Exists(file))
        {
            throw new ConfigurationException([$"--config: the file '{file}' does not exist."]);
        }

        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",

            // HttpClient logs every outbound URL at Information; a job's URL can carry tokens or personal data.
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
        });
        configuration.AddJsonFile(file, optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables("ESCALA_");
        configuration.Add(new Security.SecretFilesSource("ESCALA_"));
        var flags = new Dictionary<string, string?>(serve.Overrides, StringComparer.OrdinalIgnoreCase);
        if (serve.Role is not null)
        {
            flags["Role"] = serve.Role;
        }

        if (serve.Store is not null)
        {
            flags["Store"] = serve.Store;
        }

        if (serve.Data is not null)
        {
            flags["Data"] = serve.Data;
        }

        if (serve.Urls is not null)
        {
            flags["Urls"] = serve.Urls;
        }

        configuration.AddInMemoryCollection(flags);
        IConfiguration built;
        try
        {
            built = configuration.Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException)
        {
            throw new ConfigurationException([$"{Path.GetFileName(file)}: {ex.Message}"]);
        }

        EscalaOptions options;
        try
        {
            options = built.Get<EscalaOptions>() ?? new EscalaOptions();

            // The binder silently drops a dictionary entry whose value fails to convert (a queue with
            // "Concurrency": "many" would vanish). Bound on its own, the same entry throws naming the key.
            foreach (var queue in built.GetSection(nameof(EscalaOptions.Queues)).GetChildren())
            {
                queue.Get<QueueOptions>();
            }

            foreach (var resource in built.GetSection(nameof(EscalaOptions.Resources)).GetChildren())
            {
                resource.Get<ResourceOptions>();
            }

            foreach (var model in built.GetSection(nameof(EscalaOptions.Models)).GetChildren())
            {
                model.Get<ModelOptions>();
            }
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key: "Failed to convert configuration value at 'Queues:llm:Concurrency' …".
            throw new ConfigurationException([ex.Message]);
        }

        if (built["Schema"] is { } schema && !Postgres.PostgresStoreOptions.IsValidSchema(schema))
        {
            throw new ConfigurationException(
                [$"Schema: '{schema}' is not a valid schema name; use lower-case letters, digits and underscores, starting with a letter (at most 63)."]);
        }

        return (SettingsBuilder.Build(options), built);
    }

    /// <summary>Builds the web application for one node. The store is migrated before this returns.</summary>
    public static async Task<WebApplication> BuildAsync(ServeOptions serve, Action<IServiceCollection>? configureServices = null)
    {
        var (settings, configuration) = LoadSettings(serve);
        var security = Security.SecuritySettings.Build(configuration);
        var telemetry = EscalaTelemetry.Read(configuration);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Only our sources: the defaults would add appsettings.json with a file watcher over the working directory.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(configuration["Urls"] ?? "http://127.0.0.1:8080");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            Security.KestrelLimits.Apply(k.Limits, settings, security);
        });
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = settings.DrainDelay + settings.ShutdownGrace + TimeSpan.FromSeconds(15));

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        StartupChecks.Listen(configuration["Urls"] ?? "http://127.0.0.1:8080");
        if (!StoreFactory.IsPostgres(configuration["Store"]))
        {
            StartupChecks.DataDirectory(configuration["Store"] ?? configuration["Data"] ?? StoreFactory.DefaultDataDirectory);
        }

        var store = StoreFactory.Create(configuration["Store"], configuration["Data"], configuration["Schema"]);
        await MigrateAsync(store);
        try
        {
            await Security.SecurityStartup.CheckAsync(security, (IKeyStore)store, configuration["Urls"] ?? "http://127.0.0.1:8080", settings.Role);
        }
        catch (ConfigurationException)
        {
            await store.DisposeAsync();
            throw;
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddEscalaEngine(settings);
        builder.Services.AddEscalaSecurity(security, store);
        builder.Services.AddEscalaWorkloads();
        Escala.Telemetry.LogRedaction.Use(new Escala.Workloads.Pii.PiiLogRedactor(Escala.Workloads.Pii.PiiDetector.Default)); // no PII in logs
        builder.Services.AddSingleton<StatsSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatsSampler>());
        builder.Services.AddEscalaDashboard();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<Api.OpenApi.EscalaOpenApi>());
        builder.Services.AddEscalaTelemetry(telemetry, settings);
        configureServices?.Invoke(builder.Services);

        // Registered last, so it is stopped first: while it waits, the API still answers and /health/ready says 503.
        builder.Services.AddHostedService<DrainOnShutdown>();

        var app = builder.Build();
        app.Logger.LogInformation("Escala node {NodeId} ({Role}) on {Store}", settings.NodeId, settings.Role,
            StoreFactory.Describe(configuration["Store"], configuration["Data"]));
        await Security.SecurityStartup.AnnounceAsync(security, (IKeyStore)store, app.Logger);
        app.UseEscalaSecurity();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Escala API v1");
            o.DocumentTitle = "Escala API";
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealth();
        if (NodeRoles.ServesApi(settings.Role))
        {
            app.MapEscalaApi();
            app.MapEscalaDashboard();
        }

        return app;
    }

    private static async Task MigrateAsync(IJobStore store)
    {
        try
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            await store.DisposeAsync();
            throw new StoreUnavailableException($"The store could not be opened or migrated: {ex.Message}", ex);
        }
    }
}

/// <summary>The store could not be reached or prepared at start-up.</summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
