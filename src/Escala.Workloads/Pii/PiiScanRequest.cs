namespace Escala.Workloads.Pii;

/// <summary>
/// What to scan and how to redact it — the body of <c>POST /v1/pii/scan</c> and the arguments of a <c>pii.scan</c> job:
/// <c>{"text": "…"}</c> or <c>{"texts": ["…", "…"]}</c>, with optional <c>threshold</c> (0..1, default 0.5), <c>types</c>
/// (report only these) and <c>operators</c> (<c>{"default": "tag", "cpf": "mask:2", "email": "hash"}</c>; operators
/// are tag, mask, mask:N, hash, remove, keep), and <c>redact</c> (default true: include the redacted text).
/// </summary>
public sealed class PiiScanRequest
{
#pragma warning disable CS1591 // documented on the class
    public string? Text { get; set; }
    public List<string>? Texts { get; set; }
    public double? Threshold { get; set; }
    public List<string>? Types { get; set; }
    public Dictionary<string, string>? Operators { get; set; }
    public bool? Redact { get; set; }
#pragma warning restore CS1591

    /// <summary>The faults of the request by field path (empty when valid), and the texts to scan.</summary>
    public Dictionary<string, string[]> Validate(int maxBytes, out IReadOnlyList<string> texts)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        texts = Texts ?? (Text is null ? [] : [Text]);
        if ((Text is null) == (Texts is null))
        {
            errors["text"] = ["Give either text (a string) or texts (an array of strings)."];
        }
        else if (Texts is not null && Texts.Any(t => t is null))
        {
            errors["texts"] = ["Every item must be a string."];
        }

        if (Threshold is < 0 or > 1 || Threshold is double.NaN)
        {
            errors["threshold"] = ["Must be between 0 and 1."];
        }

        if (Types is not null && Types.FirstOrDefault(t => !PiiTypes.IsKnown(t)) is { } unknown)
        {
            errors["types"] = [$"'{unknown}' is not one of {string.Join(", ", PiiTypes.All)}."];
        }

        foreach (var (type, op) in Operators ?? [])
        {
            if (type != "default" && !PiiTypes.IsKnown(type))
            {
                errors[$"operators.{type}"] = [$"Not an entity type; use default or one of {string.Join(", ", PiiTypes.All)}."];
            }
            else if (!RedactionRule.TryParse(op, out _))
            {
                errors[$"operators.{type}"] = ["Must be tag, mask, mask:N (N from 0 to 64), hash, remove or keep."];
            }
        }

        if (errors.Count == 0 && texts.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t)) > maxBytes)
        {
            errors[Texts is null ? "text" : "texts"] = [$"Larger than {maxBytes} bytes of UTF-8."];
        }

        return errors;
    }

    /// <summary>The redaction policy the request asks for (call after <see cref="Validate"/>).</summary>
    public RedactionPolicy Policy(byte[] hashKey)
    {
        RedactionRule? fallback = null;
        if (Operators?.TryGetValue("default", out var d) == true && RedactionRule.TryParse(d, out var rule))
        {
            fallback = rule;
        }

        var policy = new RedactionPolicy(hashKey, fallback);
        foreach (var (type, op) in Operators ?? [])
        {
            if (type != "default" && RedactionRule.TryParse(op, out var typeRule))
            {
                policy.Set(type, typeRule);
            }
        }

        return policy;
    }
}
