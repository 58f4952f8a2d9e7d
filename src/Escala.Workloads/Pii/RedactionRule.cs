namespace Escala.Workloads.Pii;

/// <summary>An operator and its parameter: how many trailing letters and digits <see cref="RedactionOperator.Mask"/> keeps.</summary>
public sealed record RedactionRule(RedactionOperator Operator, int Keep = PiiDefaults.MaskKeep)
{
    /// <summary>The default rule: the type tag.</summary>
    public static readonly RedactionRule Tag = new(RedactionOperator.Tag);

    /// <summary>Parses <c>tag</c>, <c>mask</c>, <c>mask:4</c>, <c>hash</c>, <c>remove</c> or <c>keep</c>.</summary>
    public static bool TryParse(string? text, out RedactionRule rule)
    {
        rule = Tag;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().ToLowerInvariant().Split(':', 2);
        var keep = PiiDefaults.MaskKeep;
        if (parts.Length == 2 && (parts[0] != "mask" || !int.TryParse(parts[1], out keep) || keep is < 0 or > 64))
        {
            return false;
        }

        RedactionOperator? op = parts[0] switch
        {
            "tag" => RedactionOperator.Tag,
            "mask" => RedactionOperator.Mask,
            "hash" => RedactionOperator.Hash,
            "remove" => RedactionOperator.Remove,
            "keep" => RedactionOperator.Keep,
            _ => null,
        };
        if (op is null)
        {
            return false;
        }

        rule = new RedactionRule(op.Value, keep);
        return true;
    }
}
