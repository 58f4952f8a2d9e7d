namespace Escala.Configuration;

/// <summary>
/// Section <c>Telemetry</c>: how the node describes itself to Prometheus and to a tracing backend. Metrics are
/// always served at <c>/metrics</c>; traces leave the node only when <see cref="OtlpEndpoint"/> is set.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The <c>service.name</c> of every metric (<c>target_info</c>) and span.</summary>
    /// <value>Defaults to <see cref="TelemetryDefaults.ServiceName"/> (<c>escala</c>).</value>
    public string ServiceName { get; set; } = TelemetryDefaults.ServiceName;

    /// <summary>
    /// Where to export traces with OTLP, e.g. <c>http://otel-collector:4318</c> (HTTP/protobuf; the path
    /// <c>/v1/traces</c> is added) or <c>http://otel-collector:4317</c> with <see cref="OtlpProtocol"/> <c>grpc</c>.
    /// </summary>
    /// <value>Defaults to none: spans are still created (log lines carry their trace id) but not exported.</value>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> or <c>grpc</c>.</summary>
    /// <value>Defaults to <see cref="TelemetryDefaults.OtlpProtocol"/> (<c>http/protobuf</c>).</value>
    public string OtlpProtocol { get; set; } = TelemetryDefaults.OtlpProtocol;

    /// <summary>Share of new traces recorded (0 to 1); a trace started by a caller follows the caller's decision.</summary>
    /// <value>Defaults to <see cref="TelemetryDefaults.SampleRatio"/> (1: every trace).</value>
    public double SampleRatio { get; set; } = TelemetryDefaults.SampleRatio;
}
