using Escala.Configuration;
using Escala.Telemetry;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Escala.Server.Observability;

/// <summary>
/// The node's OpenTelemetry set-up. Metrics: Escala's instruments, ASP.NET Core, .NET runtime (GC, thread pool,
/// JIT) and process (CPU, memory), served in Prometheus text format at <c>/metrics</c> without an
/// <c>otel_scope_name</c> label on every series, with <c>service.name</c> in <c>target_info</c>. Traces: the
/// submit request, the store (Npgsql spans on PostgreSQL) and each job attempt, exported over OTLP when
/// <see cref="TelemetryOptions.OtlpEndpoint"/> is set.
/// </summary>
public static class EscalaTelemetry
{
    private static readonly string[] Protocols = ["http/protobuf", "grpc"];

    /// <summary>Reads and validates section <c>Telemetry</c>; throws <see cref="ConfigurationException"/> naming each bad key.</summary>
    public static TelemetryOptions Read(IConfiguration configuration)
    {
        TelemetryOptions options;
        try
        {
            options = configuration.GetSection(nameof(EscalaOptions.Telemetry)).Get<TelemetryOptions>() ?? new TelemetryOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new ConfigurationException([ex.Message]);
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            errors.Add("Telemetry:ServiceName: give a name, such as escala.");
        }

        if (options.OtlpEndpoint is { } endpoint
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"Telemetry:OtlpEndpoint: '{endpoint}' is not an http:// or https:// address, such as http://otel-collector:4318.");
        }

        if (!Protocols.Contains(options.OtlpProtocol, StringComparer.Ordinal))
        {
            errors.Add($"Telemetry:OtlpProtocol: '{options.OtlpProtocol}' is not one of {string.Join(", ", Protocols)}.");
        }

        if (options.SampleRatio is < 0 or > 1 || double.IsNaN(options.SampleRatio))
        {
            errors.Add("Telemetry:SampleRatio: must be between 0 and 1.");
        }

        return errors.Count == 0 ? options : throw new ConfigurationException(errors);
    }

    public static IServiceCollection AddEscalaTelemetry(this IServiceCollection services, TelemetryOptions options, EscalaSettings settings)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceInstanceId: settings.NodeId))
            .WithMetrics(m => m
                .AddMeter(EscalaMeter.Name)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddPrometheusExporter(o => o.ScopeInfoEnabled = false))
            .WithTracing(t =>
            {
                t.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)))
                    .AddSource(EscalaMeter.Name)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsQuiet(ctx.Request.Path))
                    .AddNpgsql();
                if (options.OtlpEndpoint is { } endpoint)
                {
                    t.AddOtlpExporter(o =>
                    {
                        var grpc = options.OtlpProtocol == "grpc";
                        o.Protocol = grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                        var uri = new Uri(endpoint);

                        // Given in code, the endpoint is used as it is: add the signal's path the way the OTEL_ variables would.
                        o.Endpoint = grpc || uri.AbsolutePath.Length > 1 ? uri : new Uri(uri, "v1/traces");
                    });
                }
            });
        services.AddSingleton<ResourceGauges>();
        services.AddHostedService<MetricsPrimer>();
        services.AddHostedService<StoreProbe>();
        return services;
    }

    /// <summary>Scrapes, health probes and the dashboard's own files make no spans.</summary>
    private static bool IsQuiet(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health") || path.StartsWithSegments("/dashboard");
}
