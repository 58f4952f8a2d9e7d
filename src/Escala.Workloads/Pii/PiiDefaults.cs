namespace Escala.Workloads.Pii;

/// <summary>The defaults of the PII detector, the <c>pii.scan</c> kind and <c>POST /v1/pii/scan</c>, in one place.</summary>
public static class PiiDefaults
{
    /// <summary>The lowest score reported when the caller names no threshold: 0.5.</summary>
    public const double Threshold = 0.5;

    /// <summary>Characters scanned at once when streaming (1 Mi chars, about 2 MB of memory).</summary>
    public const int WindowChars = 1 << 20;

    /// <summary>Characters of each window carried into the next so that an entity cut by the boundary is read whole: 4 Ki.</summary>
    public const int OverlapChars = 4096;

    /// <summary>The most UTF-8 bytes of text <c>POST /v1/pii/scan</c> accepts: 1 MiB (use the <c>pii.scan</c> kind above that).</summary>
    public const int MaxSyncBytes = 1 << 20;

    /// <summary>The largest body <c>POST /v1/pii/scan</c> reads: twice <see cref="MaxSyncBytes"/> and 64 KiB (JSON escapes, options).</summary>
    public const long MaxSyncRequestBytes = (2L * MaxSyncBytes) + (64 << 10);

    /// <summary>The most UTF-8 bytes of text one <c>pii.scan</c> job accepts in its arguments: 16 MiB.</summary>
    public const int MaxJobBytes = 16 << 20;

    /// <summary>Digits a <c>mask</c> operator keeps at the end when the policy names no <c>keep</c>: 2.</summary>
    public const int MaskKeep = 2;
}
