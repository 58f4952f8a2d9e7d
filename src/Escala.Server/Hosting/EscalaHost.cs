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
    /// <summary>The host's switch for watching its default configuration files (see <c>HostingHostBuilderExtensions</c>).</summary>
    internal const string NoConfigReload = "--hostBuilder:reloadConfigOnChange=false";

    /// <summary>Builds the web application for one node. The store is migrated before this returns.</summary>
    public static async Task<WebApplication> BuildAsync(ServeOptions serve, Action<IServiceCollection>? configureServices = null)
    {
        var loaded = NodeConfiguration.Load(serve);
        var (settings, configuration) = (loaded.Options, loaded.Configuration);
        var security = Security.SecuritySettings.Build(configuration);
        var telemetry = EscalaTelemetry.Read(configuration);
        // The defaults add appsettings.json with reload on change: a file watcher over the working directory and
        // everything under it, woken by every write to a data directory below it. Clearing the sources later does
        // not stop that watcher, so reloading is switched off before the builder adds them; then only our sources.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [NoConfigReload] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ConfigureEndpointDefaults(Security.KestrelRefusals.Use);
            Security.KestrelLimits.Apply(k.Limits, settings, security);
        });
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = settings.Execution.DrainDelay + settings.Execution.ShutdownGrace + TimeSpan.FromSeconds(15));

        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        if (serve.LogToStandardError)
        {
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        StartupChecks.Listen(settings.Urls);
        if (!StoreFactory.IsPostgres(settings.Store))
        {
            StartupChecks.DataDirectory(settings.Store ?? settings.Data);
        }

#pragma warning disable CA2000 // disposed on every failure below, else owned by the service provider (the factory registration)
        var store = StoreFactory.Create(settings.Store, settings.Data, settings.Schema);
#pragma warning restore CA2000
        await MigrateAsync(store);
        try
        {
            await Security.SecurityStartup.CheckAsync(security, (IKeyStore)store, settings.Urls, settings.Role);
        }
        catch (ConfigurationException)
        {
            await store.DisposeAsync();
            throw;
        }

        // Through a factory, so the service provider owns the store and disposes it when the node stops
        // (an instance registered as such is never disposed: the SQLite writer and the PostgreSQL pools would leak).
        builder.Services.AddSingleton<IJobStore>(_ => store);
        builder.Services.AddEscalaEngine(settings);
        builder.Services.AddEscalaSecurity(security, store);
        builder.Services.AddEscalaWorkloads();
        Escala.Workloads.Callbacks.CallbackServiceCollectionExtensions.AddEscalaCallbacks(builder.Services);
        Escala.Telemetry.LogRedaction.Use(new Escala.Workloads.Pii.PiiLogRedactor(Escala.Workloads.Pii.PiiDetector.Default)); // no PII in logs
        builder.Services.AddSingleton<StatsSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatsSampler>());
        builder.Services.AddEscalaDashboard();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer<Api.OpenApi.EscalaOpenApi>());
        builder.Services.AddEscalaTelemetry(telemetry, settings);
        configureServices?.Invoke(builder.Services);

        // Waits in StoppingAsync, before any service (the web server included) stops: the API still answers and /health/ready says 503.
        builder.Services.AddHostedService<DrainOnShutdown>();

        var app = builder.Build();
        app.Logger.LogInformation("Escala node {NodeId} ({Role}) on {Store}", settings.NodeId, settings.Role,
            StoreFactory.Describe(settings.Store, settings.Data));
        ConfigurationLog.Loaded(app.Logger, loaded);
        await Security.SecurityStartup.AnnounceAsync(security, (IKeyStore)store, app.Logger);
        app.UseCloseConnectionsWhileDraining();
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
