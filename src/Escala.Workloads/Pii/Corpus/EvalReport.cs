using System.Globalization;
using System.Text;

namespace Escala.Workloads.Pii.Corpus;

/// <summary>What <see cref="PiiEvaluator"/> measured: per type, per level, micro totals and invalid check digits reported.</summary>
public sealed class EvalReport
{
    /// <summary>Scores by entity type (types of the gold labels and of the predictions).</summary>
    public SortedDictionary<string, TypeScore> ByType { get; } = new(StringComparer.Ordinal);

    /// <summary>Micro-averaged scores by document level.</summary>
    public SortedDictionary<string, TypeScore> ByLevel { get; } = new(StringComparer.Ordinal);

    /// <summary>Micro-averaged over every type.</summary>
    public TypeScore Micro { get; } = new();

    /// <summary>Documents read.</summary>
    public int Documents { get; internal set; }

    /// <summary>Reported entities of a check-digit type whose digits fail that type's rule (must be 0).</summary>
    public int InvalidCheckDigits { get; internal set; }

    /// <summary>The lowest span-exact F2 among the check-digit types present.</summary>
    public double MinCheckDigitF2 => ByType.Where(t => PiiTypes.CheckDigitTypes.Contains(t.Key)).Select(t => t.Value.ExactF2).DefaultIfEmpty(1).Min();

    /// <summary>A plain-text table.</summary>
    public string Format()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"{Documents} documents");
        s.AppendLine("type              gold  pred | exact P  R      F2     | overlap P  R      F2");
        void Row(string name, TypeScore t) => s.AppendLine(c,
            $"{name,-16} {t.Gold,5} {t.Predicted,5} | {t.ExactPrecision,6:0.000} {t.ExactRecall,6:0.000} {t.ExactF2,6:0.000} | {t.OverlapPrecision,6:0.000} {t.OverlapRecall,6:0.000} {t.OverlapF2,6:0.000}");
        foreach (var (type, score) in ByType)
        {
            Row(type, score);
        }

        Row("MICRO", Micro);
        s.AppendLine("by level:");
        foreach (var (level, score) in ByLevel)
        {
            Row("  " + (level.Length == 0 ? "(none)" : level), score);
        }

        s.AppendLine(c, $"lowest check-digit-type exact F2: {MinCheckDigitF2:0.000}");
        s.AppendLine(c, $"invalid check digits reported: {InvalidCheckDigits}");
        return s.ToString();
    }
}
