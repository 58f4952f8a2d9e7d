namespace Escala.Workloads.Pii.Corpus;

/// <summary>Counts of one entity type (or of all, micro-averaged), span-exact and by overlap.</summary>
public sealed class TypeScore
{
#pragma warning disable CS1591
    public int Gold { get; internal set; }
    public int Predicted { get; internal set; }
    public int ExactHits { get; internal set; }
    public int OverlapHits { get; internal set; }
    public int OverlapPredictedHits { get; internal set; }

    public double ExactPrecision => Ratio(ExactHits, Predicted);
    public double ExactRecall => Ratio(ExactHits, Gold);
    public double ExactF2 => F2(ExactPrecision, ExactRecall);
    public double OverlapPrecision => Ratio(OverlapPredictedHits, Predicted);
    public double OverlapRecall => Ratio(OverlapHits, Gold);
    public double OverlapF2 => F2(OverlapPrecision, OverlapRecall);
#pragma warning restore CS1591

    internal void Add(TypeScore other)
    {
        Gold += other.Gold;
        Predicted += other.Predicted;
        ExactHits += other.ExactHits;
        OverlapHits += other.OverlapHits;
        OverlapPredictedHits += other.OverlapPredictedHits;
    }

    private static double Ratio(int hits, int total) => total == 0 ? 1.0 : (double)hits / total;

    /// <summary>F-beta with beta 2: recall weighs four times precision.</summary>
    public static double F2(double precision, double recall) =>
        precision + recall == 0 ? 0 : 5 * precision * recall / ((4 * precision) + recall);
}
