namespace Escala.Configuration;

/// <summary>Defaults of <see cref="TelemetryOptions"/>.</summary>
public static class TelemetryDefaults
{
    public const string ServiceName = "escala";

    public const string OtlpProtocol = "http/protobuf";

    public const double SampleRatio = 1.0;
}
