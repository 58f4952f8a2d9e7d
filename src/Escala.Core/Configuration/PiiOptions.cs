namespace Escala.Configuration;

/// <summary>PII detection and redaction (<c>pii</c>): <c>POST /v1/pii/scan</c> and the <c>pii.scan</c> kind.</summary>
public sealed class PiiOptions : IValidatableOptions
{
    /// <summary>Shortest hash key accepted, in bytes of UTF-8.</summary>
    public const int MinHashKeyBytes = 16;

    /// <summary>
    /// The HMAC key of the <c>hash</c> redaction operator: with one key every node and restart turns one value into
    /// one token. A secret: give it as <c>ESCALA_Pii__HashKey</c> or in a file named by <c>ESCALA_Pii__HashKey_FILE</c>
    /// rather than in <c>escala.json</c>.
    /// </summary>
    /// <value>Unset by default: a random key drawn at start-up, stable for this process only.</value>
    public string? HashKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        if (HashKey is not null && System.Text.Encoding.UTF8.GetByteCount(HashKey) < MinHashKeyBytes)
        {
            yield return $"{path}:hashKey: must be at least {MinHashKeyBytes} bytes (a random secret, e.g. `openssl rand -hex 32`).";
        }
    }
}
