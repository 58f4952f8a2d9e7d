using System.Security.Cryptography;
using System.Text;

namespace Escala.Workloads.Pii;

/// <summary>
/// Runs a <see cref="PiiScanRequest"/>: the shared core of <c>POST /v1/pii/scan</c> and the <c>pii.scan</c> kind.
/// The keyed hash uses <c>pii:hashKey</c> (<see cref="Configuration.PiiOptions.HashKey"/>) when set (tokens stable
/// across nodes and restarts), otherwise a random key drawn at start-up (stable for this process only).
/// </summary>
public sealed class PiiScanService
{
    private readonly byte[] _hashKey;

    /// <summary>Creates the service with the detector and the hash key of the options (random when unset).</summary>
    public PiiScanService(PiiDetector detector, Configuration.PiiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Detector = detector;
        _hashKey = string.IsNullOrEmpty(options.HashKey) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(options.HashKey);
    }

    /// <summary>The detector.</summary>
    public PiiDetector Detector { get; }

    /// <summary>Scans one validated text.</summary>
    public PiiScanResult Scan(string text, PiiScanRequest request)
    {
        IReadOnlyList<PiiEntity> entities = Detector.Scan(text, request.Threshold ?? PiiDefaults.Threshold);
        if (request.Types is { Count: > 0 } types)
        {
            entities = entities.Where(e => types.Contains(e.Type)).ToList();
        }

        var redacted = request.Redact == false ? null : PiiRedactor.Redact(text, entities, request.Policy(_hashKey));
        return new PiiScanResult(entities, redacted);
    }
}
