using System.Security.Cryptography;
using System.Text;

namespace Escala.Workloads.Pii;

/// <summary>
/// Runs a <see cref="PiiScanRequest"/>: the shared core of <c>POST /v1/pii/scan</c> and the <c>pii.scan</c> kind.
/// The keyed hash uses the key in <see cref="HashKeyVariable"/> when set (tokens stable across nodes and restarts),
/// otherwise a random key drawn at start-up (stable for this process only).
/// </summary>
public sealed class PiiScanService
{
    /// <summary>The environment variable holding the HMAC key of the <c>hash</c> operator.</summary>
    public const string HashKeyVariable = "ESCALA_PII_HASH_KEY";

    private readonly byte[] _hashKey;

    /// <summary>Creates the service with the detector and the hash key from the environment.</summary>
    public PiiScanService(PiiDetector detector)
    {
        Detector = detector;
        var key = Environment.GetEnvironmentVariable(HashKeyVariable);
        _hashKey = string.IsNullOrEmpty(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
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
