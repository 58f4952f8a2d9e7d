namespace Escala.Workloads.Pii;

/// <summary>A match before overlaps are resolved; offsets are relative to the scanned text.</summary>
internal readonly record struct Candidate(string Type, int Start, int End, double Score)
{
    public int Length => End - Start;
}
